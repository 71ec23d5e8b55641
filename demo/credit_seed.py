"""Demo credit file and ratings for `seed_demo`, on the demo story's calendar.

Facts staff record themselves (penalties, spot checks, awards) go through
`credit_event_record`; reviews and complaints reach the credit file through the complaints
app's services. Last year was rated on its rating day, publicised and final before the year
ended, with its B-rated subjects spot-checked; this year stands where today falls in the
plan (not yet rated, draft, or under publicity on the seeding day, see
`DemoStory.published_on`). Ratings are computed through the
rating service when the facts dated before the rating day are in, then dated to that day.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import audited_save
from credit.models import (
    CreditEvent,
    EvaluationStandard,
    EventKind,
    Grade,
    KeyListEntry,
    PublicityOpinion,
    Rating,
    RatingRun,
    Severity,
    SupervisionTask,
)
from credit.services import (
    credit_event_record,
    rating_run_year,
)
from credit.services.management import (
    key_list_add,
    supervision_complete,
    supervision_tasks_for_ratings,
)
from credit.services.opinions import (
    publicity_opinion_decide,
    publicity_opinion_register,
    publicity_opinion_review,
)
from credit.services.publication import rating_transition
from credit.services.standards import standard_activate, standard_new_version
from registry.models import Enterprise, Worker

from .story import DemoStory, demo_person_name, demo_rng

PENALTY_TITLES = ["未公示收费标准", "虚假宣传服务资质"]
# What the 行政处罚公示 page shows beside each demo penalty (双公示).
PENALTY_BASES = {
    "未公示收费标准": "《中华人民共和国价格法》第十三条、第四十二条",
    "虚假宣传服务资质": "《中华人民共和国反不正当竞争法》第八条、第二十条",
    "超出公示价格收费": "《中华人民共和国价格法》第十三条、第四十二条",
}
PENALTY_AUTHORITY = "舟曲县市场监督管理局"
# The enterprise that the demo shows under differentiated management (B, 诚信警示): a
# lagging one, fined twice and failing a spot check in each year.
WARNED_ENTERPRISE = 19


@transaction.atomic
def standard_copy_to_year(*, actor, standard: EvaluationStandard, year: int) -> EvaluationStandard:
    """Start a new year's standard from last year's: a draft, version 1, same indicators
    (only the demo county's second year starts its standards this way)."""
    if EvaluationStandard.objects.filter(year=year, subject_type=standard.subject_type).exists():
        raise ValidationError(f"{year}年度已有该对象的评价标准。")
    copy = standard_new_version(actor=actor, standard=standard)
    copy.year = year
    copy.version = 1
    copy.change_note = f"沿用{standard.year}年度第{standard.version}版"
    audited_save(copy, actor=actor, update_fields=["year", "version", "change_note"])
    return copy


def demo_events_backdate(source_ref: str, days: int) -> int:
    """Move the credit records of one source fact `days` into the past, with their
    disclosure period, when the demo dates that fact (a review, a complaint) back."""
    shift = timedelta(days=days)
    events = list(CreditEvent.objects.filter(source_ref=source_ref))
    # Row by row: date arithmetic in SQL differs between PostgreSQL and embedded SQLite.
    for event in events:
        CreditEvent.objects.filter(pk=event.pk).update(
            occurred_on=event.occurred_on - shift,
            disclosure_until=event.disclosure_until - shift if event.disclosure_until else None,
            created_at=event.created_at - shift,
        )
    return len(events)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def _ensure_standards(year: int) -> None:
    for subject_type in ("enterprise", "worker"):
        if EvaluationStandard.objects.filter(
            year=year, subject_type=subject_type, status="active"
        ).exists():
            continue
        previous = (
            EvaluationStandard.objects.filter(subject_type=subject_type, status="active")
            .order_by("-year")
            .first()
        )
        copy = standard_copy_to_year(actor=None, standard=previous, year=year)
        standard_activate(actor=None, standard=copy)


def _staff_facts(subject, index: int, year: int, first: date, last: date) -> None:
    """What inspectors and the bureau recorded about a subject in [first, last]."""
    rng = demo_rng(f"credit-{type(subject).__name__}-{index}-{year}")
    key = "enterprise" if isinstance(subject, Enterprise) else "worker"
    if last < first:
        return

    def record(kind, title, n, source=CreditEvent.Source.INSPECTION, **extra):
        source_ref = f"demo:{year}:{key}:{index}:{kind}:{n}"
        if CreditEvent.objects.filter(source_ref=source_ref).exists():
            return
        credit_event_record(
            actor=None,
            kind=kind,
            occurred_on=first + timedelta(days=rng.randrange(0, (last - first).days + 1)),
            title=title,
            **{key: subject},
            source=source,
            source_ref=source_ref,
            **extra,
        )

    if key == "worker":
        if rng.random() < 0.05:
            record(EventKind.AWARD, "“最美家政服务员”", 0, source=CreditEvent.Source.MANUAL)
        return

    def penalty(title, n):
        record(
            EventKind.PENALTY,
            title,
            n,
            severity=Severity.GENERAL,
            legal_basis=PENALTY_BASES[title],
            authority=PENALTY_AUTHORITY,
        )

    warned = index == WARNED_ENTERPRISE
    if warned or rng.random() < 0.08:
        penalty(rng.choice(PENALTY_TITLES), 0)
    if warned:
        penalty("超出公示价格收费", 1)
        record(EventKind.SPOT_CHECK_FAILED, "监督抽查发现服务合同不规范", 0)
    elif rng.random() < 0.3:
        record(EventKind.SPOT_CHECK_PASSED, "年度监督抽查合格", 0)
    if not warned and rng.random() < 0.15:
        record(EventKind.AWARD, "县级“诚信家政示范企业”", 0, source=CreditEvent.Source.MANUAL)


@transaction.atomic
def credit_demo_facts_seed(story: DemoStory, *, until: date) -> None:
    """The evaluation standards of both years, staff-recorded facts dated up to `until`,
    and one worker put on the key-management list (严重失信)."""
    for year in (story.last_year, story.this_year):
        _ensure_standards(year)
    enterprises = list(Enterprise.objects.order_by("pk"))
    workers = list(Worker.objects.order_by("pk"))
    for year in (story.last_year, story.this_year):
        first = date(year, 1, 1)
        last = min(until, story.facts_until(year))
        if story.rated(year) and until < story.rating_day(year):
            last = min(last, story.rating_day(year) - timedelta(days=1))
        for index, enterprise in enumerate(enterprises):
            _staff_facts(enterprise, index, year, first, last)
        for index, worker in enumerate(workers):
            _staff_facts(worker, index, year, first, last)
    _key_list_seed(story, workers, until)


def _key_list_seed(story: DemoStory, workers: list, until: date) -> None:
    """One worker found seriously untrustworthy last summer: on the list for three years."""
    day = date(story.last_year, 8, 20)
    if not workers or until < day or KeyListEntry.objects.exists():
        return
    event = credit_event_record(
        actor=None,
        kind=EventKind.OTHER_NEGATIVE,
        occurred_on=day,
        title="冒用他人健康证上岗",
        worker=workers[-1],
        severity=Severity.SERIOUS,
        source=CreditEvent.Source.INSPECTION,
        source_ref="demo:keylist",
    )
    key_list_add(
        actor=None,
        worker=workers[-1],
        reason="冒用他人健康证上岗，情节严重",
        basis="县市场监管局处理决定",
        event=event,
        starts_on=day + timedelta(days=10),
    )


def _date_run(run: RatingRun, day: date) -> None:
    RatingRun.objects.filter(pk=run.pk).update(
        created_at=_at(day, 9),
        started_at=_at(day, 9),
        finished_at=_at(day, 9) + timedelta(minutes=3),
    )
    Rating.objects.filter(run=run).update(computed_at=_at(day, 9) + timedelta(minutes=2))


def _supervise(story: DemoStory, tasks: list, published: date) -> None:
    """Spot checks of last year's B-rated subjects, done within the month."""
    for task in tasks:
        SupervisionTask.objects.filter(pk=task.pk).update(created_at=_at(published, 11))
        task.refresh_from_db()
        checked = published + timedelta(days=12 + task.pk % 10)
        if checked > story.today:
            continue
        passed = task.pk % 3 != 0
        supervision_complete(
            actor=None,
            task=task,
            result=SupervisionTask.Result.PASSED if passed else SupervisionTask.Result.FAILED,
            findings="已整改到位，服务合同和收费公示规范。"
            if passed
            else "收费公示仍不规范，已责令限期整改。",
            checked_on=checked,
        )


@transaction.atomic
def credit_demo_rate(story: DemoStory, year: int) -> int:
    """Rate `year` as of its rating day and take it as far as the story has come:
    publicised on `story.published_on`, final after the publicity period (last year
    only: this year's publicity is still running on the seeding day). Returns the number of
    subjects rated now (0 when seeded before)."""
    if not story.rated(year) or Rating.objects.filter(year=year).exists():
        return 0
    run = rating_run_year(actor=None, year=year, sync=True)
    _date_run(run, story.rating_day(year))
    published = story.published_on(year)
    if story.today >= published:
        ratings = list(Rating.objects.select_for_update().filter(year=year, status="draft"))
        rating_transition(
            actor=None,
            ratings=ratings,
            to=Rating.Status.PUBLICISED,
            today=published,
            reason=f"{year}年度评价结果公示",
        )
        tasks = supervision_tasks_for_ratings(
            actor=None, ratings=[r for r in ratings if r.grade == Grade.B], today=published
        )
        _supervise(story, tasks, published)
        final = story.final_on(year)
        credit_demo_opinions_seed(story, year, decided=story.today >= final)
        if story.today >= final:
            rating_transition(
                actor=None,
                ratings=ratings,
                to=Rating.Status.FINAL,
                today=final,
                reason="公示期满，评价结果确定",
            )
    return run.subjects_done


# Opinions from the public during a year's publicity: (whose rating, what was said,
# the staff's finding, upheld).
DEMO_OPINIONS = (
    (
        "best",
        "我家去年请该公司做月嫂服务，实际收费比公示价格高出300元，评为最高等级不妥。",
        "经核查，多收费用系双方另行约定的夜间加班费，有书面约定，收费符合公示价格，意见不成立。",
        False,
    ),
    (
        "warned",
        "该企业被处罚的收费公示问题今年已经整改，门店和网上都公示了收费标准。",
        "经现场核实，整改情况属实；处罚记录本身无误，已告知企业按规定申请信用修复。",
        True,
    ),
)


def _opinion_ratings(year: int) -> dict[str, Rating]:
    ratings = Rating.objects.filter(year=year, enterprise__isnull=False).select_related(
        "enterprise"
    )
    best = ratings.filter(grade=Grade.AAA).order_by("-total", "enterprise_id").first()
    warned = ratings.filter(grade=Grade.B).order_by("enterprise_id").first()
    return {key: rating for key, rating in (("best", best), ("warned", warned)) if rating}


def credit_demo_opinions_seed(story: DemoStory, year: int, *, decided: bool) -> int:
    """Opinions from the public on `year`'s publicised ratings, received by letter and
    telephone in the first days of publicity; decided before the year became final, or
    still waiting while it is publicised. Returns how many were created."""
    published = story.published_on(year)
    ratings = _opinion_ratings(year)
    created = 0
    for index, (key, facts, finding, upheld) in enumerate(DEMO_OPINIONS):
        rating = ratings.get(key)
        if rating is None or PublicityOpinion.objects.filter(rating=rating).exists():
            continue
        received = min(published + timedelta(days=1 + index), story.today)
        name, _ = demo_person_name(demo_rng(f"opinion-{year}-{index}"))
        opinion = publicity_opinion_register(
            actor=None,
            rating=rating,
            name=name,
            mobile=f"139941200{index:02d}",
            facts=facts,
            received_on=received,
        )
        created += 1
        if not decided and index == 0:
            continue  # still waiting to be taken up
        opinion = publicity_opinion_review(actor=None, opinion=opinion)
        if decided:
            publicity_opinion_decide(actor=None, opinion=opinion, upheld=upheld, decision=finding)
            PublicityOpinion.objects.filter(pk=opinion.pk).update(
                decided_at=_at(received + timedelta(days=3), 16)
            )
    return created


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def credit_demo_state(story: DemoStory, site: str = "") -> list[str]:
    """Where each demo year's ratings stand, in words, for the seed's closing lines; the
    year under publicity with its 公示 page and an opinion form to try. Dates are read
    from the ratings, so a seed run again on a later day tells the same story."""
    lines = []
    for year in (story.last_year, story.this_year):
        ratings = Rating.objects.filter(year=year)
        statuses = set(ratings.values_list("status", flat=True))
        rated = f"{_md(story.rating_day(year))}评价"
        if not statuses:
            lines.append(f"{year}年度：尚未评价（按工作安排于{rated}）")
            continue
        period = ratings.exclude(publicity_starts_on=None).order_by("publicity_starts_on")
        period = period.values_list("publicity_starts_on", "publicity_ends_on").first()
        if statuses == {Rating.Status.FINAL}:
            lines.append(
                f"{year}年度：{rated}，{_md(period[0])}起公示，已确定（可在诚信红榜、信用查询中看到）"
            )
        elif Rating.Status.PUBLICISED in statuses:
            lines.append(
                f"{year}年度：{rated}，{_md(period[0])}至{_md(period[1])}公示中"
                "（企业可提出异议，公众可提出意见）"
            )
            lines.extend(_publicity_lines(year, site))
        else:
            lines.append(f"{year}年度：{rated}，待审核公示（后台“评价批次”）")
    return lines


def _publicity_lines(year: int, site: str) -> list[str]:
    """The 公示 page and the opinion form of one publicised enterprise rating."""
    lines = [f"  结果公示 {site}{reverse('credit:publicity')}"]
    rating = (
        Rating.objects.filter(year=year, status=Rating.Status.PUBLICISED, enterprise__isnull=False)
        .order_by("enterprise_id")
        .first()
    )
    if rating is not None:
        path = reverse("credit:publicity_opinion", args=[rating.pk])
        lines.append(f"  提出意见（{rating.enterprise.name}）{site}{path}")
    return lines
