"""The portal's complaint pages: an enterprise sees the complaints against it (never the
complainant's contact details), answers them within the deadline and sees the outcome;
another enterprise's case answers 404 to every request and nothing changes."""

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from complaints.models import Complaint, ComplaintAttachment, ComplaintUpdate, Status
from complaints.services import (
    complaint_accept,
    complaint_close,
    complaint_mediation_end,
    complaint_mediation_start,
)
from credit.models import CreditEvent, EventKind
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory
from tests.portal_clients import portal_client

pytestmark = pytest.mark.django_db

PHONE = "13909417788"
LIST = reverse("portal:complaints_list")


def detail(complaint) -> str:
    return reverse("portal:complaints_detail", args=[complaint.pk])


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("receipt.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user("tousu", password="pw", is_staff=True)


@pytest.fixture
def anxin():
    return portal_client(EnterpriseFactory(name="舟曲县安心家政服务有限公司"))


@pytest.fixture
def accepted(anxin, officer):
    worker = WorkerFactory(name="卓玛草")
    EmploymentFactory(worker=worker, enterprise=anxin.enterprise)
    complaint = ComplaintFactory(
        enterprise=anxin.enterprise,
        worker=worker,
        phone=PHONE,
        complainant_name="李桂芳",
        email="ligf@example.cn",
    )
    return complaint_accept(actor=officer, complaint=complaint)


def snapshot(complaint) -> tuple:
    complaint = Complaint.objects.get(pk=complaint.pk)
    return (
        complaint.status,
        complaint.enterprise_response,
        complaint.responded_at,
        complaint.updated_at,
        complaint.updates.count(),
        complaint.attachments.count(),
    )


# --- Seeing the complaints -------------------------------------------------------------------


def test_the_list_shows_the_enterprises_own_complaints_without_contact_details(anxin, accepted):
    ComplaintFactory(enterprise=EnterpriseFactory(), description="别家的投诉")
    page = anxin.get(LIST).content.decode()
    assert accepted.tracking_number in page
    assert "李*芳" in page and "李桂芳" not in page
    assert "卓玛草" in page  # the enterprise's own worker
    assert f"请于{accepted.response_due:%Y年}" in page
    for secret in (PHONE, PHONE[-4:], accepted.phone_masked, "ligf@example.cn"):
        assert secret not in page
    assert Complaint.objects.exclude(enterprise=anxin.enterprise).get().tracking_number not in page


def test_the_list_filters_by_status(anxin, accepted, officer):
    closed = ComplaintFactory(enterprise=anxin.enterprise, status=Status.CLOSED, outcome="已退款")
    assert closed.tracking_number not in anxin.get(LIST + "?status=open").content.decode()
    closed_page = anxin.get(LIST + "?status=closed").content.decode()
    assert closed.tracking_number in closed_page
    assert accepted.tracking_number not in closed_page


def test_the_detail_shows_the_case_timeline_and_deadline_but_no_contact(anxin, accepted):
    page = anxin.get(detail(accepted)).content.decode()
    assert accepted.description in page and accepted.desired_outcome in page
    assert "投诉已受理" in page  # the public timeline
    assert f"{accepted.response_due:%Y}年{accepted.response_due.month}月" in page
    assert "答复投诉" in page and 'enctype="multipart/form-data"' in page
    for secret in (PHONE, PHONE[-4:], accepted.phone_masked, "ligf@example.cn", "李桂芳"):
        assert secret not in page


def test_internal_notes_stay_inside_the_bureau(anxin, accepted, officer):
    ComplaintUpdate.objects.create(
        complaint=accepted,
        author=officer,
        visibility=ComplaintUpdate.Visibility.INTERNAL,
        text="内部备注：投诉人情绪激动",
    )
    assert "内部备注" not in anxin.get(detail(accepted)).content.decode()


# --- Answering -------------------------------------------------------------------------------


def test_the_enterprise_answers_with_an_attachment(anxin, accepted):
    response = anxin.post(
        detail(accepted), {"text": "已联系客户，同意退还100元。", "attachments": [png()]}
    )
    assert response.status_code == 302 and response.url == detail(accepted)
    accepted.refresh_from_db()
    assert accepted.enterprise_response == "已联系客户，同意退还100元。"
    assert accepted.responded_at is not None
    attachment = accepted.attachments.get()
    assert attachment.source == ComplaintAttachment.Source.ENTERPRISE
    assert accepted.history.latest().history_user == anxin.account.user
    page = anxin.get(detail(accepted)).content.decode()
    assert "答复已提交" in page and "贵企业已提交答复" in page and "receipt.png" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "请填写答复内容。"),
        ({"text": "好", "attachments": [SimpleUploadedFile("x.jpg", b"not an image")]}, "x.jpg"),
        ({"text": "好", "attachments": [png() for _ in range(6)]}, "最多上传5个附件"),
    ],
)
def test_bad_answers_are_refused_in_chinese_and_change_nothing(anxin, accepted, data, message):
    before = snapshot(accepted)
    response = anxin.post(detail(accepted), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(accepted) == before


def test_a_case_not_yet_accepted_or_closed_cannot_be_answered(anxin, officer):
    submitted = ComplaintFactory(enterprise=anxin.enterprise)
    page = anxin.get(detail(submitted)).content.decode()
    assert "提交答复" not in page
    before = snapshot(submitted)
    response = anxin.post(detail(submitted), {"text": "我们会处理"}, follow=True)
    assert "不在办理中" in response.content.decode()
    assert snapshot(submitted) == before


def test_an_overdue_answer_is_flagged_and_a_correction_keeps_the_first_answer_time(anxin, officer):
    complaint = ComplaintFactory(enterprise=anxin.enterprise)
    with time_machine.travel("2025-11-03 09:00 +0800", tick=False):
        accepted = complaint_accept(actor=officer, complaint=complaint)
        anxin.post(detail(accepted), {"text": "已联系客户。"})
    assert accepted.response_due == date(2025, 11, 10)
    first = Complaint.objects.get(pk=accepted.pk).responded_at
    with time_machine.travel("2025-11-20 09:00 +0800", tick=False):
        anxin.force_login(anxin.account.user)  # the earlier session has long expired
        anxin.post(detail(accepted), {"text": "已联系客户，并已退款。"})
        accepted.refresh_from_db()
        assert accepted.enterprise_response == "已联系客户，并已退款。"
        assert accepted.responded_at == first  # answered on time, then corrected
        assert accepted.updates.filter(event="answer_amended").exists()
        mediating = complaint_mediation_start(actor=officer, complaint=accepted)
        ended = complaint_mediation_end(
            actor=officer, complaint=mediating, agreed=True, summary="退款"
        )
        complaint_close(actor=officer, complaint=ended, outcome="已退款", substantiated=False)
    assert not CreditEvent.objects.filter(kind=EventKind.COMPLAINT_LATE).exists()


def test_a_missing_answer_past_its_deadline_is_flagged(anxin, officer):
    complaint = ComplaintFactory(enterprise=anxin.enterprise)
    with time_machine.travel("2025-11-03 09:00 +0800", tick=False):
        accepted = complaint_accept(actor=officer, complaint=complaint)
    with time_machine.travel("2025-11-12 09:00 +0800", tick=False):
        anxin.force_login(anxin.account.user)
        page = anxin.get(detail(accepted)).content.decode()
        home = anxin.get(reverse("portal:home")).content.decode()
    assert "已超过答复期限" in page and "逾期答复将记入企业信用档案" in page
    assert "已超过答复期限（2025-11-10）" in home


def test_the_outcome_of_a_closed_case_is_shown(anxin, accepted, officer):
    mediating = complaint_mediation_start(actor=officer, complaint=accepted)
    ended = complaint_mediation_end(
        actor=officer, complaint=mediating, agreed=True, summary="企业退还200元。"
    )
    complaint_close(actor=officer, complaint=ended, outcome="已退还200元。", substantiated=True)
    page = anxin.get(detail(accepted)).content.decode()
    assert "办理结果" in page and "已退还200元。" in page and "投诉属实" in page
    assert "提交答复" not in page


# --- The portal home -------------------------------------------------------------------------


def test_the_home_card_lists_open_cases_and_answers_due(anxin, accepted):
    page = anxin.get(reverse("portal:home")).content.decode()
    assert "投诉处理" in page and "待答复" in page
    assert accepted.tracking_number in page
    assert reverse("portal:complaints_list") in page  # the navigation


def test_the_home_card_without_open_cases(anxin):
    page = anxin.get(reverse("portal:home")).content.decode()
    assert "目前没有未办结的投诉" in page


# --- Access: only the enterprise's own cases --------------------------------------------------


def test_another_enterprises_case_answers_404_and_nothing_changes(anxin, officer):
    other = complaint_accept(
        actor=officer, complaint=ComplaintFactory(enterprise=EnterpriseFactory())
    )
    before = snapshot(other)
    assert anxin.get(detail(other)).status_code == 404
    response = anxin.post(detail(other), {"text": "替别人答复", "attachments": [png()]})
    assert response.status_code == 404
    assert snapshot(other) == before
    assert not ComplaintAttachment.objects.exists()
    assert anxin.get(reverse("portal:complaints_detail", args=[999999])).status_code == 404


def test_pages_need_a_portal_login(accepted, admin_user):
    for url in (LIST, detail(accepted)):
        response = Client().get(url)
        assert response.status_code == 302 and response.url.startswith("/portal/login/")
        staff = Client()
        staff.force_login(admin_user)
        assert staff.get(url).status_code == 403
    before = snapshot(accepted)
    assert Client().post(detail(accepted), {"text": "匿名答复"}).status_code == 302
    assert snapshot(accepted) == before


def test_the_list_and_the_home_run_a_bounded_number_of_queries(
    anxin, officer, django_assert_max_num_queries
):
    for _ in range(15):
        worker = EmploymentFactory(enterprise=anxin.enterprise).worker
        complaint_accept(
            actor=officer, complaint=ComplaintFactory(enterprise=anxin.enterprise, worker=worker)
        )
    with django_assert_max_num_queries(12):
        assert anxin.get(LIST).status_code == 200
    with django_assert_max_num_queries(40):
        assert anxin.get(reverse("portal:home")).status_code == 200
