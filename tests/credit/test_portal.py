"""The portal's credit pages: an enterprise sees its publicised and final ratings (never a
draft) explained indicator by indicator, its credit records, files objections during the
publicity period and credit-repair requests, and follows them; another enterprise's
ratings, records, objections and requests answer 404 to every request and nothing changes."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from credit.models import (
    CreditEvent,
    CreditReport,
    EvaluationStandard,
    EventKind,
    Indicator,
    Objection,
    Rating,
    RectificationNotice,
    RepairRequest,
    VetoRule,
)
from credit.portal_urls import urlpatterns as credit_portal_urls
from credit.services.objections import objection_decide, objection_submit
from credit.services.publication import ratings_publish
from credit.services.repair import repair_decide, repair_submit
from credit.services.reports import credit_report_issue
from credit.standards_default import create_default_standards
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import (
    PUBLISHED_AT,
    YEAR,
    RatingFactory,
    at,
    penalised_enterprise,
    rate_year,
    rating_of,
)
from tests.portal_clients import portal_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)


@pytest.fixture
def county(staff):
    """Two B enterprises (one penalty each) whose 2025 ratings are publicised; the first
    one is logged in to the portal."""
    ours, our_penalty = penalised_enterprise()
    theirs, their_penalty = penalised_enterprise()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    client = portal_client(ours)
    return {
        "client": client,
        "rating": rating_of(ours),
        "penalty": our_penalty,
        "other": theirs,
        "other_rating": rating_of(theirs),
        "other_penalty": their_penalty,
    }


def png(name: str = "proof.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def url(name: str, pk=None) -> str:
    return reverse(f"portal:{name}", args=[pk] if pk is not None else [])


def page(client, name: str, pk=None) -> str:
    response = client.get(url(name, pk))
    assert response.status_code == 200
    return response.content.decode()


def standards_for(*years: int) -> None:
    for year in years:
        if not EvaluationStandard.objects.filter(year=year, status="active").exists():
            create_default_standards(EvaluationStandard, Indicator, VetoRule, year=year)


def state() -> tuple:
    return (
        list(Objection.objects.values_list("pk", "status", "reasons")),
        list(RepairRequest.objects.values_list("pk", "status", "reasons")),
        list(Rating.objects.values_list("pk", "status", "total", "grade")),
        list(CreditEvent.objects.values_list("pk", "status")),
        list(CreditReport.objects.values_list("pk", "enterprise_id")),
        list(RectificationNotice.objects.values_list("pk", "status", "report")),
    )


# --- Ratings ---------------------------------------------------------------------------------


def test_ratings_by_year_with_dimensions_but_never_a_draft(county):
    client = county["client"]
    standards_for(2024, 2026)
    draft = RatingFactory(enterprise=client.enterprise, year=2026, grade="AA", total=85)
    final = RatingFactory(
        enterprise=client.enterprise, year=2024, grade="A", total=70, status=Rating.Status.FINAL
    )
    listing = page(client, "credit_ratings")
    assert "2025年度" in listing and "B 诚信警示" in listing and "57.0" in listing
    assert "经营合规" in listing and "履约守信" in listing and "公示中" in listing
    assert "2024年度" in listing and "已确定" in listing
    assert "2026年度" not in listing
    assert url("credit_rating", final.pk) in listing
    assert client.get(url("credit_rating", draft.pk)).status_code == 404
    assert client.get(url("credit_objection_new", draft.pk)).status_code == 404


def test_a_rating_is_explained_indicator_by_indicator(county):
    client = county["client"]
    detail = page(client, "credit_rating", county["rating"].pk)
    assert "各项指标得分" in detail
    assert "距A还差3.0分" in detail and "证照齐全有效还可得10.0分" in detail
    assert "E-C3 无行政处罚" in detail and "1条（一般1）" in detail  # every indicator
    assert "公示期" in detail and url("credit_objection_new", county["rating"].pk) in detail


def test_the_home_card_shows_the_grade_and_the_publicity_period(county):
    client = county["client"]
    standards_for(2024)
    RatingFactory(
        enterprise=client.enterprise, year=2024, grade="AA", total=85, status=Rating.Status.FINAL
    )
    home = page(client, "home")
    assert "2025年度" in home and "B 诚信警示" in home
    assert "2024年度：AA 诚信良好" in home
    assert "正在公示" in home and "2025年11月26日" in home
    assert url("credit_ratings") in home  # the navigation


# --- Objections ------------------------------------------------------------------------------


def test_an_objection_is_filed_with_evidence_and_followed(county, staff):
    client, rating = county["client"], county["rating"]
    response = client.post(
        url("credit_objection_new", rating.pk),
        {"reasons": "该行政处罚已被复议撤销。", "evidence": png()},
    )
    objection = Objection.objects.get()
    assert response.status_code == 302 and response.url == url("credit_objection", objection.pk)
    assert objection.rating == rating and objection.reasons == "该行政处罚已被复议撤销。"
    assert objection.submitted_by == client.account.user and objection.evidence
    detail = page(client, "credit_objection", objection.pk)
    assert "异议已提交" in detail and "待处理" in detail and "已上传" in detail
    assert "1 件信用异议正在处理" in page(client, "home").replace("<strong>", "").replace(
        "</strong>", ""
    )
    objection_decide(actor=staff, objection=objection, upheld=False, decision="处罚决定有效。")
    assert "异议不成立" in page(client, "credit_requests")
    assert "处罚决定有效。" in page(client, "credit_objection", objection.pk)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reasons": "  "}, "请填写异议理由。"),
        (
            {"reasons": "分数有误", "evidence": SimpleUploadedFile("a.pdf", b"MZ not a pdf")},
            "文件类型不支持",
        ),
    ],
)
def test_bad_objections_are_refused_in_chinese(county, data, message):
    before = state()
    response = county["client"].post(url("credit_objection_new", county["rating"].pk), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert state() == before


def test_no_objection_after_the_publicity_period_or_while_one_is_open(county, clock, staff):
    client, rating = county["client"], county["rating"]
    objection_submit(actor=staff, rating=rating, reasons="第一次异议")
    before = state()
    response = client.post(url("credit_objection_new", rating.pk), {"reasons": "再次提出"})
    assert "已有待处理的异议" in response.content.decode()
    assert state() == before
    Objection.objects.update(status=Objection.Status.REJECTED)
    clock.move_to(at(datetime.date(2025, 11, 27)))
    client.force_login(client.account.user)
    form = page(client, "credit_objection_new", rating.pk)
    assert "已不在异议受理期限内" in form and "提交异议" not in form
    before = state()
    response = client.post(url("credit_objection_new", rating.pk), {"reasons": "逾期异议"})
    assert "已不在异议受理期限内" in response.content.decode()
    assert state() == before


# --- Credit records and repair ---------------------------------------------------------------


def test_records_and_a_repair_request_followed_to_its_decision(county, staff):
    client, penalty = county["client"], county["penalty"]
    CreditEventFactory(
        enterprise=client.enterprise,
        kind=EventKind.AWARD,
        title="县级巾帼家政示范岗",
        occurred_on=datetime.date(2025, 5, 1),
    )
    records = page(client, "credit_records")
    assert "未按规定公示收费标准" in records and "县级巾帼家政示范岗" in records
    assert url("credit_repair_new", penalty.pk) in records
    response = client.post(
        url("credit_repair_new", penalty.pk),
        {"reasons": "已在店内公示收费标准，并退还多收费用。", "evidence": png("photo.png")},
    )
    repair = RepairRequest.objects.get()
    assert response.status_code == 302 and response.url == url("credit_repair", repair.pk)
    assert repair.event == penalty and repair.submitted_by == client.account.user
    assert "修复申请审核中" in page(client, "credit_records")
    assert "待审核" in page(client, "credit_requests")
    repair_decide(actor=staff, request=repair, approved=True, decision="整改到位，准予修复。")
    assert "准予修复" in page(client, "credit_repair", repair.pk)
    assert "已修复" in page(client, "credit_records")


def test_bad_repair_requests_are_refused_in_chinese(county, staff):
    client, penalty = county["client"], county["penalty"]
    award = CreditEventFactory(enterprise=client.enterprise, kind=EventKind.AWARD, title="表彰")
    cases = [
        (penalty, {"reasons": " "}, "请填写整改情况及理由。"),
        (penalty, {"reasons": "已整改", "evidence": SimpleUploadedFile("x.jpg", b"x")}, "文件"),
        (award, {"reasons": "已整改"}, "只有失信记录可以申请信用修复"),
    ]
    for event, data, message in cases:
        before = state()
        response = client.post(url("credit_repair_new", event.pk), data)
        assert response.status_code == 200 and message in response.content.decode()
        assert state() == before
    repair_submit(actor=staff, event=penalty, reasons="第一次申请")
    before = state()
    response = client.post(url("credit_repair_new", penalty.pk), {"reasons": "再次申请"})
    assert "已有待审核的修复申请" in response.content.decode()
    assert state() == before


# --- Access: only the enterprise's own credit ------------------------------------------------


def test_another_enterprises_ids_answer_404_to_get_and_post_and_change_nothing(county, staff):
    client = county["client"]
    objection = objection_submit(actor=staff, rating=county["other_rating"], reasons="别家的异议")
    repair = repair_submit(actor=staff, event=county["other_penalty"], reasons="别家的修复")
    report = credit_report_issue(
        actor=staff, enterprise=county["other"], channel=CreditReport.Channel.ADMIN
    )
    foreign = {
        "credit_rating": county["other_rating"].pk,
        "credit_objection_new": county["other_rating"].pk,
        "credit_objection": objection.pk,
        "credit_repair_new": county["other_penalty"].pk,
        "credit_repair": repair.pk,
        "credit_report": report.pk,
        "credit_notice": RectificationNotice.objects.get(enterprise=county["other"]).pk,
    }
    with_ids = {p.name for p in credit_portal_urls if "<int:pk>" in str(p.pattern)}
    assert with_ids == set(foreign)  # every page that takes an id is tried
    before = state()
    for name, pk in foreign.items():
        assert client.get(url(name, pk)).status_code == 404, name
        response = client.post(url(name, pk), {"reasons": "越权提交", "evidence": png()})
        assert response.status_code == 404, name
        assert state() == before
    assert client.post(url("credit_rating", county["rating"].pk)).status_code == 405
    for name in ("credit_ratings", "credit_records", "credit_requests", "credit_reports"):
        text = page(client, name)
        assert county["other"].name not in text
        assert "别家的" not in text


def test_pages_need_a_portal_login(county, admin_user):
    staff_client = Client()
    staff_client.force_login(admin_user)
    for name, pk in [
        ("credit_ratings", None),
        ("credit_rating", county["rating"].pk),
        ("credit_records", None),
    ]:
        response = Client().get(url(name, pk))
        assert response.status_code == 302 and response.url.startswith("/portal/login/")
        assert staff_client.get(url(name, pk)).status_code == 403
