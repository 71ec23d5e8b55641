"""Enterprise credit reports (信用报告): issued from the portal and from the dossier, with a
unique number; the public verification page shows exactly what was issued; only records
that count on the day are in it; a portal user reaches only their own enterprise's reports;
no personal number appears anywhere in a report."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from credit.models import CreditEvent, CreditReport, EventKind, Rating, Severity
from credit.selectors_report import report_content
from credit.services import credit_report_issue
from credit.services.events import credit_event_revoke, credit_event_transition
from credit.services.management import key_list_add
from registry.models import Enterprise
from tests.factories.credit import CreditEventFactory
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    QualificationFactory,
    make_id_number,
)
from tests.portal_fixtures import portal_pair, portal_user
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)  # 18:00 in Zhouqu
TODAY = datetime.date(2025, 11, 20)
VERIFY = "/credit/reports/verify/"
NUMBER = re.compile(r"^XY20251120[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$")


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.REPORT_VERIFY_RATE_PER_IP = "1000/h"


def rating(enterprise, *, year, grade="AA", total="85.0", status=Rating.Status.FINAL):
    from credit.models import EvaluationStandard

    standard = EvaluationStandard.objects.get(year=2025, subject_type="enterprise", status="active")
    return Rating.objects.create(
        enterprise=enterprise,
        year=year,
        standard=standard,
        compliance=Decimal("25"),
        quality=Decimal("25"),
        reputation=Decimal("20"),
        commitment=Decimal(total) - 70,
        total=Decimal(total),
        grade=grade,
        status=status,
        computed_at=NOW,
        publicity_ends_on=datetime.date(2025, 11, 26) if status == "publicised" else None,
    )


def event(enterprise, title, **fields):
    fields.setdefault("kind", EventKind.PENALTY)
    fields.setdefault("occurred_on", datetime.date(2025, 6, 1))
    return CreditEventFactory(enterprise=enterprise, title=title, **fields)


def article(html: str) -> str:
    """The report itself (the same markup on every page that shows it)."""
    match = re.search(r'<article class="credit-report".*?</article>', html, re.S)
    assert match, "no report on the page"
    return match.group(0)


def issue(enterprise, channel=CreditReport.Channel.ADMIN) -> CreditReport:
    return credit_report_issue(actor=None, enterprise=enterprise, channel=channel)


# --- Numbers ---------------------------------------------------------------------------------


def test_report_numbers_are_dated_random_and_unique():
    enterprise = EnterpriseFactory()
    reports = [issue(enterprise) for _ in range(20)]
    numbers = [r.number for r in reports]
    assert all(NUMBER.match(n) for n in numbers), numbers
    assert len(set(numbers)) == 20
    assert all(r.valid_until == TODAY + datetime.timedelta(days=30) for r in reports)


def test_a_number_already_taken_is_drawn_again(monkeypatch):
    enterprise = EnterpriseFactory()
    first = issue(enterprise)
    drawn = iter([first.number, first.number, "XY20251120ABCDEFGH"])
    monkeypatch.setattr("credit.services.reports.dated_number", lambda *args: next(drawn))
    second = issue(enterprise)
    assert second.number == "XY20251120ABCDEFGH"
    assert CreditReport.objects.filter(number=first.number).count() == 1


# --- Content: the rules of the public disclosure -----------------------------------------------


def test_the_report_lists_registration_licences_grades_honours_and_key_management(
    default_standards,
):
    enterprise = EnterpriseFactory(name="舟曲县报告家政服务有限公司")
    QualificationFactory(enterprise=enterprise, number="JY-2020-01", issuer="舟曲县市场监管局")
    rating(enterprise, year=2024, grade="AAA", total="93.0")
    rating(enterprise, year=2025, grade="AA", total="86.0", status=Rating.Status.PUBLICISED)
    rating(enterprise, year=2026, grade="B", total="40.0", status=Rating.Status.DRAFT)
    event(enterprise, "县级家政服务示范单位", kind=EventKind.AWARD)
    content = report_content(enterprise, TODAY)

    assert content["enterprise"]["name"] == "舟曲县报告家政服务有限公司"
    assert content["enterprise"]["uscc"] == enterprise.uscc
    assert content["enterprise"]["business_status"] == "在业"
    assert [(g["year"], g["grade"], g["publicised"]) for g in content["grades"]] == [
        (2025, "AA", True),
        (2024, "AAA", False),
    ]  # the draft of 2026 is not in the report
    assert content["licences"][0]["number"] == "JY-2020-01"
    assert content["licences"][0]["validity"] == "有效"
    assert content["honour_years"] == [2024]
    assert [a["title"] for a in content["awards"]] == ["县级家政服务示范单位"]
    assert content["key_management"] == []

    key_list_add(
        actor=None,
        enterprise=enterprise,
        reason="严重失信：拒不退还预付款",
        basis="舟曲县市场监管局处罚决定",
        starts_on=datetime.date(2025, 10, 1),
    )
    content = report_content(enterprise, TODAY)
    assert content["key_management"][0]["reason"] == "严重失信：拒不退还预付款"
    assert content["honour_years"] == []  # nobody under key management is praised


def test_only_records_that_count_on_the_day_are_in_the_report():
    enterprise = EnterpriseFactory()
    event(enterprise, "公示期内的处罚")
    event(
        enterprise,
        "公示期已过的处罚",
        occurred_on=datetime.date(2024, 1, 10),
        disclosure_until=datetime.date(2024, 4, 9),
    )
    event(enterprise, "最后一天的处罚", disclosure_until=TODAY)
    repaired = event(enterprise, "已修复的处罚")
    credit_event_transition(
        actor=None, event=repaired, to=CreditEvent.Status.REPAIRED, reason="已整改"
    )
    revoked = event(enterprise, "已撤销的处罚")
    credit_event_revoke(actor=None, event=revoked, reason="录入错误")
    event(enterprise, "抽查合格", kind=EventKind.SPOT_CHECK_PASSED)
    for score in ("5", "4"):
        event(enterprise, "服务评价", kind=EventKind.SERVICE_REVIEW, value=Decimal(score))
    event(EnterpriseFactory(), "别家的处罚")

    content = report_content(enterprise, TODAY)
    # Newest first; the record whose disclosure period ends today is still in.
    assert [e["title"] for e in content["negative_events"]] == ["最后一天的处罚", "公示期内的处罚"]
    assert [e["title"] for e in content["positive_events"]] == ["抽查合格"]
    assert content["reviews"] == {"count": 2, "average": "4.5"}

    # The day after its disclosure period ends a record leaves the next report.
    tomorrow = TODAY + datetime.timedelta(days=1)
    titles = {e["title"] for e in report_content(enterprise, tomorrow)["negative_events"]}
    assert titles == {"公示期内的处罚"}


def test_no_personal_number_or_worker_is_in_a_report(client):
    enterprise = EnterpriseFactory(phone="0941-5121234")
    id_number = make_id_number(datetime.date(1990, 1, 1), sequence=10)
    worker = EmploymentFactory(
        enterprise=enterprise, worker__name="卓玛草", worker__id_number=id_number
    ).worker
    event(enterprise, "公示期内的处罚", severity=Severity.MINOR, disclosure_until=TODAY)
    report = issue(enterprise)
    html = client.get(VERIFY, {"number": report.number}).content.decode()
    text = str(report.content) + html
    assert "0941-5121234" in text  # the enterprise's own phone is public
    assert "卓玛草" not in text
    assert "13809410002" not in text and "138****0002" not in text  # the worker's mobile
    assert id_number not in text and worker.id_number_masked not in text
    assert not re.search(r"\d{6}(19|20)\d{2}[01]\d[0-3]\d{4}[\dX]", text)  # no ID number at all


# --- Verification ------------------------------------------------------------------------------


def test_verification_shows_exactly_what_was_issued_even_after_changes(client):
    enterprise = EnterpriseFactory(name="舟曲县原名家政服务有限公司")
    event(enterprise, "未按规定公示收费标准")
    account = portal_user(enterprise)
    response = account.client.post(reverse("portal:credit_reports"))
    report = CreditReport.objects.get(enterprise=enterprise)
    assert report.channel == CreditReport.Channel.PORTAL
    assert report.issued_by == account.user
    issued = article(account.client.get(response.url).content.decode())

    # Later changes do not touch an issued report.
    Enterprise.objects.filter(pk=enterprise.pk).update(name="舟曲县新名家政服务有限公司")
    event(enterprise, "后来才记录的处罚")
    html = client.get(VERIFY, {"number": report.number}).content.decode()
    assert "本报告真实有效" in html
    assert article(html) == issued
    assert "舟曲县原名家政服务有限公司" in issued and "后来才记录的处罚" not in html
    assert f"{VERIFY}?number={report.number}" in issued  # the QR code's address, absolute
    assert "<svg" in issued


def test_a_number_is_found_however_it_is_typed(client):
    report = issue(EnterpriseFactory())
    typed = f" {report.number[:10].lower()}-{report.number[10:].lower()} "
    html = client.get(VERIFY, {"number": typed}).content.decode()
    assert "本报告真实有效" in html and report.number in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请填写报告编号。"),
        ("TS20251120K7Q4XP", "报告编号应为XY开头的18位编号"),
        ("XY2025112", "报告编号应为XY开头的18位编号"),
        ("XY20251120K7Q4XP0O", "报告编号应为XY开头的18位编号"),
        ("信用报告", "报告编号应为XY开头的18位编号"),
    ],
)
def test_a_malformed_number_gets_a_clear_chinese_message(client, typed, message):
    response = client.get(VERIFY, {"number": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "error-summary" in html and "本报告真实有效" not in html


def test_an_unknown_number_says_so(client):
    issue(EnterpriseFactory())
    html = client.get(VERIFY, {"number": "XY20251120ABCDEFGH"}).content.decode()
    assert "没有找到编号为XY20251120ABCDEFGH的信用报告" in html
    assert '<article class="credit-report"' not in html


def test_the_form_alone_without_a_number(client):
    html = client.get(VERIFY).content.decode()
    assert "信用报告核验" in html and "error-summary" not in html


def test_an_expired_report_is_shown_marked_expired(client, _november_2025):
    report = issue(EnterpriseFactory())
    _november_2025.move_to(datetime.datetime(2025, 12, 20, 10, tzinfo=datetime.UTC))
    html = client.get(VERIFY, {"number": report.number}).content.decode()
    assert "本报告真实有效" in html  # the last valid day
    _november_2025.move_to(datetime.datetime(2025, 12, 21, 10, tzinfo=datetime.UTC))
    html = client.get(VERIFY, {"number": report.number}).content.decode()
    assert "本报告真实，但已过期" in html and "本报告真实有效" not in html


def test_guessing_numbers_is_limited_per_address(client, settings):
    settings.REPORT_VERIFY_RATE_PER_IP = "3/h"
    report = issue(EnterpriseFactory())
    for _ in range(2):
        assert client.get(VERIFY, {"number": "XY20251120ABCDEFGH"}).status_code == 200
    # A successful look-up is given back: checking a real report often is not guessing.
    for _ in range(3):
        assert "本报告真实有效" in client.get(VERIFY, {"number": report.number}).content.decode()
    assert client.get(VERIFY, {"number": "XY20251120ABCDEFGJ"}).status_code == 200
    response = client.get(VERIFY, {"number": "XY20251120ABCDEFGK"})
    assert response.status_code == 429
    assert "核验次数过多，请一小时后再试。" in response.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert "本报告真实有效" in other.get(VERIFY, {"number": report.number}).content.decode()


# --- Portal ------------------------------------------------------------------------------------


def test_a_portal_user_gets_only_their_own_reports():
    pair = portal_pair()
    ours = issue(pair.a.enterprise, CreditReport.Channel.PORTAL)
    theirs = issue(pair.b.enterprise, CreditReport.Channel.PORTAL)
    client = pair.a.client

    listing = client.get(reverse("portal:credit_reports")).content.decode()
    assert ours.number in listing and theirs.number not in listing
    assert client.get(reverse("portal:credit_report", args=[ours.pk])).status_code == 200
    for method in (client.get, client.post):
        assert method(reverse("portal:credit_report", args=[theirs.pk])).status_code == 404

    response = client.post(reverse("portal:credit_reports"))
    new = CreditReport.objects.order_by("-pk").first()
    assert new.enterprise == pair.a.enterprise
    assert response.url == reverse("portal:credit_report", args=[new.pk])
    assert CreditReport.objects.filter(enterprise=pair.b.enterprise).count() == 1


def test_the_portal_report_page_is_printable_and_needs_a_portal_login(admin_client):
    account = portal_user()
    report = issue(account.enterprise, CreditReport.Channel.PORTAL)
    url = reverse("portal:credit_report", args=[report.pk])
    html = account.client.get(url).content.decode()
    assert "打印/另存为PDF" in html and "credit_report.css" in html
    assert Client().get(url).status_code == 302
    assert admin_client.get(url).status_code == 403


# --- Back office -------------------------------------------------------------------------------


def staff(django_user_model, role: str) -> Client:
    user = django_user_model.objects.create_user(f"u-{role}", password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_a_credit_officer_issues_a_report_from_the_dossier(django_user_model):
    officer = staff(django_user_model, roles.CREDIT_OFFICER)
    enterprise = EnterpriseFactory()
    dossier = reverse("admin:registry_enterprise_dossier", args=[enterprise.pk])
    html = officer.get(dossier).content.decode()
    issue_url = reverse("admin:credit_creditreport_issue", args=[enterprise.pk])
    assert "出具信用报告" in html and issue_url in html and "尚未出具信用报告" in html

    assert officer.get(issue_url).status_code == 405
    response = officer.post(issue_url)
    report = CreditReport.objects.get(enterprise=enterprise)
    assert report.channel == CreditReport.Channel.ADMIN and report.issued_by == officer.user
    assert report.history.get().history_user == officer.user
    assert response.url == reverse("admin:credit_creditreport_report", args=[report.pk])
    page = officer.get(response.url).content.decode()
    assert report.number in article(page)
    assert report.number in officer.get(dossier).content.decode()
    listing = officer.get(reverse("admin:credit_creditreport_changelist")).content.decode()
    assert report.number in listing

    # The dossier lists the latest ten; the rest are one link away.
    others = [issue(EnterpriseFactory()) for _ in range(2)]
    for _ in range(10):
        issue(enterprise)
    html = officer.get(dossier).content.decode()
    link = re.search(r'<a href="([^"]+)">查看全部信用报告</a>', html).group(1)
    listing = officer.get(link.replace("&amp;", "&"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert report.number in text and others[0].number not in text


def test_a_leader_reads_reports_but_cannot_issue_one(django_user_model):
    leader = staff(django_user_model, roles.LEADER)
    enterprise = EnterpriseFactory()
    report = issue(enterprise)
    dossier = leader.get(reverse("admin:registry_enterprise_dossier", args=[enterprise.pk]))
    html = dossier.content.decode()
    assert report.number in html and "出具信用报告</button>" not in html
    issue_url = reverse("admin:credit_creditreport_issue", args=[enterprise.pk])
    assert leader.post(issue_url).status_code == 403
    assert CreditReport.objects.count() == 1
    page = leader.get(reverse("admin:credit_creditreport_report", args=[report.pk]))
    assert page.status_code == 200
