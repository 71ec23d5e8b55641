import io
import re
from dataclasses import astuple
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from complaints.models import Complaint
from core import personal_data
from core.validators import clean_uscc
from credit.engine import explanation_from_inputs
from credit.models import (
    CreditEvent,
    EventKind,
    Rating,
    RatingRun,
    RectificationNotice,
    SupervisionTask,
)
from demo.credit_seed import WARNED_ENTERPRISE
from demo.incentives_seed import RESIDENTS
from demo.registry_seed import ENTERPRISE_NAMES, LAGGING_ENTERPRISES, worker_plan
from demo.seed import FULL, LIGHT
from demo.story import TIBETAN_FEMALE, TIBETAN_MALE, demo_story
from inspections.models import Inspection
from registry.models import (
    Employment,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    ServiceOffering,
    Township,
    Validity,
    Worker,
)
from reviews.models import ServiceReview

from .transparency_checks import (
    check_credit_reports_are_issued,
    check_disclosure_lists_and_charges_are_filled,
    check_pledges_are_signed_and_a_profile_is_filled,
    check_publicity_page_and_opinions,
    check_the_printed_worker_signs_in,
)

TOWNSHIPS = [
    "城关镇",
    "峰迭镇",
    "大川镇",
    "立节镇",
    "东山镇",
    "果耶镇",
    "巴藏镇",
    "憨班镇",
    "江盘镇",
    "曲告纳镇",
    "博峪镇",
    "拱坝镇",
    "武坪镇",
    "大峪镇",
    "八楞乡",
    "插岗乡",
    "曲瓦乡",
    "南峪乡",
    "坪定镇",
]


@pytest.mark.django_db
def test_the_county_townships_are_all_there():
    assert sorted(Township.objects.values_list("name", flat=True)) == sorted(TOWNSHIPS)


@pytest.mark.django_db
def test_seed_demo_twice_creates_no_duplicates(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", "--light", stdout=out)
    counts = demo_counts()
    call_command("seed_demo", "--light", stdout=io.StringIO())
    assert counts == demo_counts()
    assert counts["enterprises"] == LIGHT.enterprises and counts["workers"] == LIGHT.workers
    assert get_user_model().objects.get(username="admin").is_superuser
    check_the_logins_come_last(out.getvalue())
    check_an_inspection_round_with_a_rectification_in_progress()


def check_an_inspection_round_with_a_rectification_in_progress():
    from inspections.models import InspectionRound
    from inspections.selectors import round_matches_seed

    rounds = list(InspectionRound.objects.all())
    assert len(rounds) == 2 and all(round_matches_seed(r) for r in rounds)
    assert InspectionRound.objects.filter(status=InspectionRound.Status.FINISHED).count() == 1
    assert Inspection.objects.exclude(result="").filter(result_event__isnull=False).exists()
    portal_enterprise = Enterprise.objects.order_by("pk").first()
    notice = RectificationNotice.objects.get(
        enterprise=portal_enterprise, source=RectificationNotice.Source.INSPECTION
    )
    assert notice.status == RectificationNotice.Status.SUBMITTED


def check_the_logins_come_last(output: str):
    """Everything one needs to try the demo, after the seed's own report."""
    from demo.seed import DEMO_PASSWORD, DEMO_PORTAL_MOBILE, DEMO_PORTAL_USERNAME
    from incentives.models import Resident

    report, _, logins = output.partition("==== 演示账号 ====")
    assert "演示数据已就绪" in report and "档案：" in report
    assert "档案：" not in logins and "演示数据已就绪" not in logins
    for text in (
        "admin",
        "xinyong",
        "tousu",
        "lingdao",
        DEMO_PASSWORD,
        "/portal/login/",
        DEMO_PORTAL_USERNAME,
        DEMO_PORTAL_MOBILE,
        "SMS to",
        "/incentives/check/",
        "/credit/reports/verify/?number=XY",
        "/agreements/verify/",
        "/inspections/",
        "/bookings/new/",
    ):
        assert text in logins, text  # fmt: skip
    mobiles = re.findall(r"^  (1\d{10})  ", logins, flags=re.M)
    assert len(mobiles) == 4
    hashes = [personal_data.phone_hash(m) for m in mobiles]
    residents = Resident.objects.filter(mobile_hash__in=hashes)
    assert residents.count() == 4
    assert residents.filter(credit_status=Resident.CreditStatus.DISHONEST).count() == 1
    # The last is a resident registered online, waiting for staff, with an application.
    online = residents.get(source=Resident.Source.ONLINE)
    assert not online.is_verified and online.memberships.get().status == "pending"
    assert "/residents/status/" in logins
    assert Resident.objects.filter(source=Resident.Source.ONLINE, verified_at__isnull=False)
    story = demo_story()
    assert f"{story.last_year}年度：" in logins and "已确定" in logins
    assert f"{story.this_year}年度：" in logins
    if story.today >= story.published_on(story.this_year):
        assert "公示中" in logins and "/credit/publicity/" in logins
        assert re.search(r"/credit/publicity/\d+/opinion/", logins)


def demo_counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "townships": Township.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "workers": Worker.objects.count(),
        "employments": Employment.objects.count(),
        "certificates": HealthCertificate.objects.count(),
        "offerings": ServiceOffering.objects.count(),
        "inspections": Inspection.objects.count(),
        "notices": RectificationNotice.objects.count(),
    }


@pytest.mark.django_db
def test_the_seeded_demo_county_is_believable_and_tells_the_programmes_story(
    settings, client, django_capture_on_commit_callbacks
):
    """One light seed, every property checked on it (the full county takes minutes; the
    light one goes through the same code paths)."""
    settings.DEBUG = True
    call_command("seed_demo", "--light", stdout=io.StringIO())
    story = demo_story()
    check_documents_are_in_every_validity_state()
    check_enterprise_codes_names_and_places()
    check_the_workforce()
    check_dossiers_are_nine_in_ten_complete()
    check_dates_and_prices_are_plausible()
    check_credit_facts_come_through_the_services(story)
    check_ratings_follow_the_calendar(story)
    check_grades_are_shaped_like_a_county(story)
    check_complaints_reviews_and_supervision_span_both_years(story)
    check_disclosure_lists_and_charges_are_filled(client)
    check_publicity_page_and_opinions(client, story)
    check_credit_reports_are_issued(client)
    check_pages_follow_the_current_year(client, story)
    check_pledges_are_signed_and_a_profile_is_filled(client)
    check_the_printed_worker_signs_in(client, settings, django_capture_on_commit_callbacks)


def check_documents_are_in_every_validity_state():
    for model in (Worker, Enterprise):
        states = set(model.objects.values_list("document_status", flat=True))
        assert states == set(Validity.values), model
    assert set(HealthCertificate.objects.values_list("validity", flat=True)) == {
        Validity.VALID, Validity.EXPIRING, Validity.EXPIRED,
    }  # fmt: skip


USCC_PREFIX = {"company": "91", "sole": "92", "coop": "93"}


def check_enterprise_codes_names_and_places():
    townships = list(Township.objects.all())
    for enterprise in Enterprise.objects.select_related("township"):
        assert enterprise.uscc[:2] == USCC_PREFIX[enterprise.kind], enterprise
        assert enterprise.uscc[2:8] == "623023", enterprise
        assert clean_uscc(enterprise.uscc) == enterprise.uscc
        named = [
            t for t in townships if t.name.rstrip("镇乡") in enterprise.name.replace("舟曲县", "")
        ]
        named = [t for t in named if t.name != "城关镇"]
        expected = named[0].name if named else "城关镇"
        assert enterprise.township.name == expected, enterprise
    assert set(Enterprise.objects.values_list("kind", flat=True)) == set(USCC_PREFIX)
    for model in (Enterprise, Worker):
        counts = dict(
            model.objects.values_list("township__name")
            .annotate(n=Count("id"))
            .values_list("township__name", "n")
        )
        seat = counts.pop("城关镇")
        assert seat > 2 * max(counts.values()), (model, seat, counts)


def check_the_workforce():
    workers = list(Worker.objects.all())
    female = sum(worker.gender == "F" for worker in workers)
    assert 0.75 <= female / len(workers) <= 0.95, female
    tibetan = [worker for worker in workers if worker.ethnicity == "藏族"]
    assert len(tibetan) > len(workers) / 10
    for worker in tibetan:
        names = TIBETAN_FEMALE if worker.gender == "F" else TIBETAN_MALE
        assert worker.name in names, (worker.name, worker.gender)
    for worker in workers[:50]:
        number = personal_data.decrypt(worker.id_number_encrypted)
        assert worker.gender == ("M" if int(number[16]) % 2 else "F")


def check_dossiers_are_nine_in_ten_complete():
    for model in (Enterprise, Worker):
        total = model.objects.count()
        complete = model.objects.filter(completeness=100).count()
        assert 0.85 <= complete / total <= 0.95, (model, complete, total)


def check_dates_and_prices_are_plausible():
    for licence in EnterpriseQualification.objects.select_related("enterprise"):
        assert licence.valid_from >= licence.enterprise.established_on, licence
    for employment in Employment.objects.select_related("enterprise"):
        assert employment.started_on >= employment.enterprise.established_on, employment
    for offering in ServiceOffering.objects.select_related("category"):
        low, high = offering.category.guide_price_min, offering.category.guide_price_max
        assert low * Decimal("0.5") <= offering.price <= high * Decimal("1.5"), offering


def check_credit_facts_come_through_the_services(story):
    # At least one review for every three workers (100 in the full county).
    enough = Worker.objects.count() / 3
    reviews = CreditEvent.objects.filter(kind=EventKind.SERVICE_REVIEW)
    assert reviews.count() > enough
    review_ids = {f"review:{pk}" for pk in ServiceReview.objects.values_list("pk", flat=True)}
    for event in reviews:
        assert event.source == CreditEvent.Source.REVIEW and event.source_ref in review_ids
    complaint_ids = {f"complaint:{pk}" for pk in Complaint.objects.values_list("pk", flat=True)}
    for event in CreditEvent.objects.filter(kind=EventKind.SUBSTANTIATED_COMPLAINT):
        assert event.source_ref in complaint_ids, event
    # What a rating counts is what the dossier lists for the year up to the rating day.
    counted = 0
    for rating in Rating.objects.select_related("standard").filter(worker__isnull=False):
        explanation = explanation_from_inputs(
            rating.standard.subject_type, rating.standard.indicators.all(), rating.inputs
        )
        shown = next(row[1] for row in explanation if row[0] == "W-R1")
        match = re.search(r"评价(\d+)条|（(\d+)条）", shown)
        count = int(match.group(1) or match.group(2))
        listed = reviews.filter(
            worker_id=rating.worker_id,
            status=CreditEvent.Status.ACTIVE,
            occurred_on__gte=date(rating.year, 1, 1),
            occurred_on__lt=story.rating_day(rating.year),
        ).count()
        assert count == listed, (rating, shown, listed)
        counted += count
    assert counted > enough


def check_ratings_follow_the_calendar(story):
    last = Rating.objects.filter(year=story.last_year)
    assert last.exists() and not last.exclude(status=Rating.Status.FINAL).exists()
    run = RatingRun.objects.get(year=story.last_year)
    assert timezone.localdate(run.finished_at) == story.rating_day(story.last_year)
    for starts, ends in last.values_list("publicity_starts_on", "publicity_ends_on").distinct():
        assert story.rating_day(story.last_year) < starts <= ends < date(story.last_year, 12, 31)
    this = Rating.objects.filter(year=story.this_year)
    if story.today < story.rating_day(story.this_year):
        assert not this.exists()
    else:
        expected = (
            Rating.Status.FINAL
            if story.today >= story.final_on(story.this_year)
            else Rating.Status.PUBLICISED
            if story.today >= story.published_on(story.this_year)
            else Rating.Status.DRAFT
        )
        assert set(this.values_list("status", flat=True)) == {expected}
    # Registered in last year's mobilisation, early enough to be rated that year; the rest
    # (a few workers) joined this year.
    enterprises = Enterprise.objects.values_list("created_at", flat=True)
    assert {timezone.localdate(at).month for at in enterprises} <= {1, 2, 3}
    assert {timezone.localdate(at).year for at in enterprises} == {story.last_year}
    early = story.rating_day(story.last_year) - timedelta(days=183)
    workers = [timezone.localdate(at) for at in Worker.objects.values_list("created_at", flat=True)]
    assert sum(day <= early for day in workers) >= 0.85 * len(workers)
    assert all(day <= early or day.year == story.this_year for day in workers)


def check_grades_are_shaped_like_a_county(story):
    for year in (story.last_year, story.this_year):
        ratings = Rating.objects.filter(year=year)
        if not ratings.exists():
            continue
        for subject in ("enterprise", "worker"):
            grades = dict(
                ratings.filter(**{f"{subject}__isnull": False})
                .values_list("grade")
                .annotate(n=Count("id"))
                .values_list("grade", "n")
            )
            total = sum(grades.values())
            assert grades.get("B", 0) >= 1, (year, subject, grades)
            assert grades.get("B", 0) <= 0.1 * total, (year, subject, grades)
            assert grades.get("AAA", 0) <= 0.45 * total, (year, subject, grades)
            assert len(grades) >= 3, (year, subject, grades)


def check_complaints_reviews_and_supervision_span_both_years(story):
    years = {story.last_year, story.this_year}
    received = {
        timezone.localdate(at).year
        for at in Complaint.objects.values_list("received_at", flat=True)
    }
    assert received == years
    closed_last_year = Complaint.objects.filter(closed_at__year=story.last_year, substantiated=True)
    assert closed_last_year.exists()
    assert {
        day.year for day in ServiceReview.objects.values_list("service_date", flat=True)
    } == years
    for review in ServiceReview.objects.filter(verified=True)[:100]:
        event = CreditEvent.objects.filter(source_ref=f"review:{review.pk}").first()
        assert event.occurred_on == review.service_date
    # Verified reviews by each proof, and unverified ones, which never reach the credit file.
    kinds = set(ServiceReview.objects.values_list("proof_kind", flat=True))
    assert {"card_scan", "agreement", "redemption", ""} <= kinds
    unverified = ServiceReview.objects.filter(verified=False)
    assert unverified.exists()
    refs = [f"review:{pk}" for pk in unverified.values_list("pk", flat=True)]
    assert not CreditEvent.objects.filter(source_ref__in=refs).exists()
    # Bookings in every state; priority ones answered faster; a free consultation given.
    from incentives.models import BookingRequest
    from incentives.selectors_bookings import booking_figures

    assert set(BookingRequest.objects.values_list("status", flat=True)) == {
        "open",
        "accepted",
        "unanswered",
        "cancelled",
    }
    assert BookingRequest.objects.filter(
        kind="consultation", status="accepted", consultation_measure__isnull=False
    ).exists()
    assert BookingRequest.objects.filter(is_priority=True, status="accepted").exists()
    figures = booking_figures(story.this_year)
    if figures.priority.accepted and figures.other.accepted:
        assert figures.priority_kept
    supervised = set(SupervisionTask.objects.values_list("rating__year", flat=True))
    assert story.last_year in supervised
    if story.today >= story.published_on(story.this_year):
        assert story.this_year in supervised
    assert SupervisionTask.objects.filter(
        rating__year=story.last_year, status=SupervisionTask.Status.DONE
    ).exists()


def check_pages_follow_the_current_year(client, story):
    from programme.selectors import year_plan

    current = next(phase for phase in year_plan(story.today).phases if phase.current)
    home = client.get("/").content.decode()
    assert f"{story.this_year}年工作安排" in home
    assert current.name + "（当前阶段）" in home
    client.force_login(get_user_model().objects.get(username="lingdao"))
    dashboard = client.get("/admin/").content.decode()
    assert f"{story.this_year}年工作进度" in dashboard
    assert re.search(rf'phase-current">\s*<h3>{current.name} ', dashboard)
    notice = client.get("/news/").content.decode()
    assert f"关于开展{story.this_year}年度家政行业信用评价的通知" in notice


def test_the_demo_story_follows_the_plan_in_any_month():
    """Last year is always rated and final before its year ends; this year is rated on
    the rating day, a draft for five days, then under publicity on the seeding day (its
    period runs from two days before to a few days after), never final."""
    for month, rated, published in ((2, False, False), (7, False, False), (10, True, True)):
        for day in (28, 31) if month != 2 else (28,):
            story = demo_story(date(2031, month, day))
            assert story.this_year == 2031 and story.last_year == 2030
            last_final = story.final_on(2030)
            assert story.rating_day(2030) < story.published_on(2030) < last_final
            assert last_final < date(2030, 12, 31)
            assert story.rated(2031) == rated
            assert (story.today >= story.published_on(2031)) == published
            assert story.today < story.final_on(2031)
    for today in (date(2031, 10, 20), date(2031, 10, 22), date(2031, 12, 10), date(2031, 12, 31)):
        story = demo_story(today)
        published = story.published_on(2031)
        assert story.rating_day(2031) + timedelta(days=5) <= published <= today
        assert today - published <= timedelta(days=2)
        assert story.final_on(2031) > today + timedelta(days=3)
        # Last year keeps its own calendar whatever the day.
        assert story.published_on(2030) == story.rating_day(2030) + timedelta(days=5)
    story = demo_story(date(2031, 10, 17))
    assert story.rated(2031) and story.today < story.published_on(2031)


def test_without_light_the_full_county_is_seeded(settings, monkeypatch):
    """What the full seed would create, checked without creating it: the command asks for
    the full county, and the plans that drive the seed give it the shape the light seed's
    checks prove on a small county."""
    from demo.management.commands import seed_demo

    settings.DEBUG = True
    asked = []
    monkeypatch.setattr(seed_demo, "demo_seed", lambda **size: asked.append(size))
    monkeypatch.setattr(seed_demo, "demo_logins", list)
    call_command("seed_demo", stdout=io.StringIO())
    assert [(a["enterprises"], a["workers"], a["residents"]) for a in asked] == [(30, 300, 60)]
    assert [astuple(FULL)] == [(30, 300, 60)] and FULL.residents == RESIDENTS
    assert len(set(ENTERPRISE_NAMES)) >= FULL.enterprises  # every enterprise its own name
    plans = [worker_plan(index) for index in range(FULL.workers)]
    assert plans.count("") == 270  # nine in ten worker dossiers complete
    lagging = len([i for i in LAGGING_ENTERPRISES if i < FULL.enterprises])
    assert 0.85 <= (FULL.enterprises - lagging) / FULL.enterprises <= 0.95
    # The light county goes through the same paths: every kind of gap, every lagging
    # enterprise and the warned one.
    assert {worker_plan(index) for index in range(LIGHT.workers)} == set(plans)
    assert max(LAGGING_ENTERPRISES) < LIGHT.enterprises and LIGHT.enterprises > WARNED_ENTERPRISE


@pytest.mark.django_db
def test_seed_demo_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()


def test_readme_tells_how_to_try_the_demo():
    """The logins, the portal, where SMS codes appear, which residents to try and where the
    ratings stand: the README matches what the seed creates."""
    from pathlib import Path

    from django.conf import settings

    from demo.incentives_seed import RESIDENTS, demo_resident_mobile
    from demo.seed import (
        DEMO_ACCOUNTS,
        DEMO_PASSWORD,
        DEMO_PORTAL_MOBILE,
        DEMO_PORTAL_USERNAME,
    )

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The demo county") : readme.index("## Configuration")]
    for text in (
        DEMO_PASSWORD,
        DEMO_PORTAL_USERNAME,
        DEMO_PORTAL_MOBILE,
        "/portal/login/",
        "SMS to",
        "/incentives/check/",
        demo_resident_mobile(0),
        demo_resident_mobile(RESIDENTS - 1),
        "CREDIT_RATING_MONTH",
        "final",
    ):
        assert text in section, text  # fmt: skip
    for account in DEMO_ACCOUNTS:
        assert f"`{account.username}`" in section
