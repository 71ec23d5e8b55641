"""举报: a violation reported without a personal loss (unlicensed operation, false
advertising, a fake card) — the public form, its guards, tracking, handling without
mediation, the credit record of a substantiated 举报, the statistics and the portal."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import CaseType, Complaint, ReportCategory, Status
from complaints.services import (
    ComplaintTransitionError,
    complaint_accept,
    complaint_close,
    complaint_investigation_start,
    complaint_mediation_start,
    complaint_reopen,
)
from complaints.statistics import complaint_statistics
from core.notifications import MemorySmsBackend
from credit.models import CreditEvent, EventKind, Indicator
from registry.services.cards import card_issue
from tests.complaints.test_pages import png_bytes
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, township
from tests.portal_clients import portal_client

pytestmark = pytest.mark.django_db

REPORT = "/complaints/report/"
TRACK = "/complaints/track/"


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox = []
    return MemorySmsBackend.outbox


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(
        "tousu", password="pw", is_staff=True, first_name="晓明", last_name="王"
    )


def report_data(**overrides) -> dict:
    data = {
        "submission_token": overrides.pop("token", "r" * 32),
        "complainant_name": "",
        "phone": "13909413333",
        "email": "",
        "township": township().pk,
        "report_category": ReportCategory.UNLICENSED,
        "enterprise_query": "城关镇滨河路无招牌保洁点",
        "enterprise_choice": "",
        "subject_address": "城关镇滨河路12号门面",
        "reported_card": "",
        "service_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "description": "门口挂着“家政保洁”的牌子接单，查不到营业执照，也不在平台登记。",
        "desired_outcome": "",
        "consent": "on",
        "homepage": "",
    }
    data.update(overrides)
    return data


def test_the_report_form_works_without_javascript_and_is_linked(client):
    html = client.get(REPORT).content.decode()
    assert "<script" not in html and 'enctype="multipart/form-data"' in html
    for label in ["无证经营", "虚假宣传", "假冒服务证", "其他违规", "个人信息告知"]:
        assert label in html
    assert REPORT in client.get("/complaints/new/").content.decode()
    assert REPORT in client.get("/").content.decode()


def test_an_anonymous_report_of_an_unregistered_business_is_stored_and_tracked(
    client, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REPORT, report_data())
    assert response.status_code == 302 and response.url == reverse("complaints:submitted")
    report = Complaint.objects.get()
    assert report.case_type == CaseType.REPORT
    assert report.report_category == ReportCategory.UNLICENSED and report.category == ""
    assert report.enterprise is None and report.enterprise_text == "城关镇滨河路无招牌保洁点"
    assert report.subject_address == "城关镇滨河路12号门面"
    assert report.complainant_name == "匿名"
    assert report.desired_outcome == "请依法调查处理。"
    submitted = client.get(response.url).content.decode()
    assert "举报已提交" in submitted and report.tracking_number in submitted
    assert [number for number, _ in sms] == ["13909413333"]
    assert "您的举报已收到" in sms[0][1] and report.tracking_number in sms[0][1]

    client.cookies.clear()
    found = client.post(TRACK, {"tracking_number": report.tracking_number, "phone": "13909413333"})
    page = client.get(found.url).content.decode()
    assert "举报编号" in page and "已收到您的举报" in page and "无证经营" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"report_category": ""}, "report_category", "请选择举报类别。"),
        ({"report_category": "overcharging"}, "report_category", ""),
        ({"enterprise_query": ""}, "enterprise_query", "请填写被举报的企业或经营者"),
        ({"description": "没证"}, "description", "10"),
        ({"phone": "1390941"}, "phone", "手机号码"),
        ({"service_date": "2099-01-01"}, "service_date", "不能晚于今天"),
        ({"consent": ""}, "consent", "无法受理举报"),
        ({"complainant_name": "王"}, "complainant_name", "请填写您的姓名。"),
    ],
)
def test_bad_input_is_refused_with_chinese_messages(client, overrides, field, message):
    response = client.post(REPORT, report_data(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not Complaint.objects.exists()


def test_the_honeypot_stops_a_bot(client):
    response = client.post(REPORT, report_data(homepage="http://spam.example"))
    assert response.status_code == 200
    assert "提交失败" in response.content.decode()
    assert not Complaint.objects.exists()


def test_reports_and_complaints_share_the_limit_per_address(client, settings):
    settings.COMPLAINT_RATE_PER_IP = "2/h"
    assert client.post(REPORT, report_data(description="太短")).status_code == 200
    assert client.post(REPORT, report_data()).status_code == 302
    blocked = client.post(
        REPORT, report_data(token="q" * 32, description="另一处无证经营的保洁点。")
    )
    assert blocked.status_code == 429 and "提交次数过多" in blocked.content.decode()
    assert Complaint.objects.count() == 1


def test_a_double_post_stores_one_report(client):
    first = client.post(REPORT, report_data())
    second = client.post(REPORT, report_data())
    assert first.status_code == second.status_code == 302
    assert Complaint.objects.count() == 1


def test_attachments_get_the_same_file_checks(client):
    fake = SimpleUploadedFile("ad.jpg", b"not an image at all", content_type="image/jpeg")
    refused = client.post(REPORT, report_data(attachments=[fake]))
    assert refused.status_code == 200 and "ad.jpg" in refused.content.decode()
    photo = SimpleUploadedFile("ad.png", png_bytes(), content_type="image/png")
    assert client.post(REPORT, report_data(attachments=[photo])).status_code == 302
    assert Complaint.objects.get().attachments.count() == 1


def test_a_fake_card_report_names_the_card_holder_and_enterprise(client):
    employment = EmploymentFactory()
    card = card_issue(actor=None, employment=employment, warnings_confirmed=True)
    verify_page = client.get(reverse("verify", args=["NOSUCHTOKEN123456"])).content.decode()
    assert "举报假冒服务证" in verify_page and "card=NOSUCHTOKEN123456" in verify_page
    prefilled = client.get(REPORT + f"?card={card.token}").content.decode()
    assert card.token in prefilled
    data = report_data(
        report_category=ReportCategory.FAKE_CARD,
        enterprise_query="",
        reported_card=f"https://example.org/verify/{card.token}/",
        description="上门的人出示的服务证照片和本人明显不是同一个人。",
    )
    assert client.post(REPORT, data).status_code == 302
    report = Complaint.objects.get()
    assert report.worker == employment.worker
    assert report.enterprise == employment.enterprise


@time_machine.travel("2025-10-09 10:00 +0800")
def test_a_report_is_investigated_not_mediated_and_closes_into_the_credit_file(officer):
    employment = EmploymentFactory()
    report = ComplaintFactory(
        case_type=CaseType.REPORT,
        report_category=ReportCategory.FALSE_ADVERTISING,
        enterprise=employment.enterprise,
        worker=employment.worker,
    )
    report = complaint_accept(actor=officer, complaint=report)
    # Fifteen working days from 9 October 2025 (Saturday 11 October is a 调休 working day).
    assert report.investigation_due == date(2025, 10, 29) and report.mediation_due is None
    with pytest.raises(ComplaintTransitionError):
        complaint_mediation_start(actor=officer, complaint=report)
    report = complaint_investigation_start(actor=officer, complaint=report)
    assert report.status == Status.INVESTIGATING
    assert report.stage == "investigation" and report.current_due == date(2025, 10, 29)
    report = complaint_close(
        actor=officer, complaint=report, outcome="经现场核查，宣传内容不实。", substantiated=True
    )
    events = CreditEvent.objects.filter(source_ref=f"complaint:{report.pk}")
    assert {(e.kind, e.tag) for e in events} == {(EventKind.SUBSTANTIATED_REPORT, "虚假宣传")}
    assert {e.enterprise_id for e in events if e.enterprise_id} == {employment.enterprise_id}
    assert {e.worker_id for e in events if e.worker_id} == {employment.worker_id}
    reopened = complaint_reopen(actor=officer, complaint=report, reason="复核")
    assert reopened.status == Status.INVESTIGATING
    assert not CreditEvent.objects.filter(
        source_ref=f"complaint:{report.pk}", status=CreditEvent.Status.ACTIVE
    ).exists()


def test_a_complaint_is_never_investigated_as_a_report(officer):
    complaint = complaint_accept(actor=officer, complaint=ComplaintFactory())
    with pytest.raises(ComplaintTransitionError):
        complaint_investigation_start(actor=officer, complaint=complaint)


def test_the_evaluation_standards_count_substantiated_reports():
    indicators = Indicator.objects.filter(params__kinds__contains=["other_negative"])
    assert indicators.exists()
    assert all("report" in indicator.params["kinds"] for indicator in indicators)


def test_statistics_count_report_categories_apart(client):
    ComplaintFactory.create_batch(2)
    ComplaintFactory(case_type=CaseType.REPORT, report_category=ReportCategory.FALSE_ADVERTISING)
    ComplaintFactory(case_type=CaseType.REPORT, report_category=ReportCategory.UNLICENSED)
    stats = complaint_statistics(year=2025)
    by_category = {row.key: row.count for row in stats.by_category}
    assert by_category["substandard"] == 2 and by_category["false_advertising"] == 0
    assert sum(by_category.values()) == 2
    by_report = {row.key: row.count for row in stats.by_report_category}
    assert by_report == {"unlicensed": 1, "false_advertising": 1, "fake_card": 0, "other": 0}


def test_the_enterprise_never_sees_who_reported_it(officer):
    enterprise = EnterpriseFactory(name="舟曲县安心家政服务有限公司")
    report = ComplaintFactory(
        case_type=CaseType.REPORT,
        enterprise=enterprise,
        complainant_name="王举报人",
        phone="13909419876",
    )
    complaint_accept(actor=officer, complaint=report)
    client = portal_client(enterprise)
    pages = [
        client.get(reverse("portal:complaints_list")).content.decode(),
        client.get(reverse("portal:complaints_detail", args=[report.pk])).content.decode(),
    ]
    for html in pages:
        assert "举报人信息不公开" in html
        assert "王*" not in html and "王**" not in html
        assert "13909419876" not in html and "9876" not in html
        assert "王举报人" not in html
