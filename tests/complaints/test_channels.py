"""Cases received by phone, in person, by letter or transferred from 12345/12315: entered by
an officer in the admin through the same intake service as the web form, counted by channel."""

import re
from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from complaints.models import CaseType, Channel, Complaint
from complaints.statistics import complaint_statistics
from core.notifications import MemorySmsBackend
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EnterpriseFactory, township
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db
ADD = "admin:complaints_complaint_add"


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox = []
    return MemorySmsBackend.outbox


def staff_client(client, django_user_model, role):
    user = django_user_model.objects.create_user(username=role, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def officer_client(client, django_user_model):
    return staff_client(client, django_user_model, roles.COMPLAINT_OFFICER)


def form_data(**overrides):
    data = {
        "submission_token": "s" * 32,
        "channel": Channel.PHONE,
        "case_type": CaseType.COMPLAINT,
        "complainant_name": "马桂兰",
        "phone": "139 0941 0002",
        "township": township().pk,
        "enterprise": "",
        "enterprise_text": "城关镇某家政公司",
        "service_date": "2025-09-20",
        "category": "substandard",
        "description": "电话反映：约定的厨房保洁没有做完。",
        "desired_outcome": "退还部分服务费",
    }
    data.update(overrides)
    return data


@time_machine.travel("2025-09-26 10:00 +0800")
def test_a_phoned_in_complaint_gets_the_web_numbers_deadlines_and_sms(
    officer_client, sms, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory(name="舟曲县安心家政服务有限公司")
    page = officer_client.get(reverse(ADD))
    assert page.status_code == 200 and "受理渠道" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse(ADD), form_data(enterprise=enterprise.pk, enterprise_text="")
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.PHONE and complaint.case_type == CaseType.COMPLAINT
    assert re.fullmatch(r"TS20250926[2-9A-HJ-NP-Z]{6}", complaint.tracking_number)
    # Same deadline as a web complaint received that Friday: 7 working days past National Day.
    assert complaint.acceptance_due == date(2025, 10, 13)
    assert complaint.officer == officer_client.user
    assert complaint.enterprise == enterprise
    assert complaint.history.first().history_user == officer_client.user
    assert [number for number, _ in sms] == ["13909410002"]
    assert complaint.tracking_number in sms[0][1]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "手机号码应为11位数字"),
        ({"enterprise_text": ""}, None, "请选择被投诉的企业，或填写企业名称。"),
        ({"service_date": "2099-01-01"}, "service_date", "服务日期不能晚于今天。"),
        ({"complainant_name": "马"}, "complainant_name", "请填写您的姓名。"),
        ({"channel": Channel.WEB}, "channel", ""),
    ],
)
def test_the_staff_entry_form_refuses_bad_input_in_chinese(
    officer_client, overrides, field, message
):
    response = officer_client.post(reverse(ADD), form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors, form.errors
    assert message in " ".join(errors)
    assert not Complaint.objects.exists()


def test_only_those_who_may_add_complaints_enter_them(client, django_user_model):
    leader = staff_client(client, django_user_model, roles.LEADER)
    assert leader.get(reverse(ADD)).status_code == 403
    assert leader.post(reverse(ADD), form_data()).status_code == 403
    assert not Complaint.objects.exists()


def test_statistics_count_by_channel_and_case_type(officer_client):
    ComplaintFactory.create_batch(2)
    ComplaintFactory(channel=Channel.PHONE)
    ComplaintFactory(channel=Channel.HOTLINE_12315, case_type=CaseType.REPORT)
    stats = complaint_statistics(year=2025)
    by_channel = {row.key: row.count for row in stats.by_channel}
    assert by_channel == {"web": 2, "phone": 1, "visit": 0, "letter": 0, "12345": 0, "12315": 1}
    assert {row.key: row.count for row in stats.by_case_type} == {"complaint": 3, "report": 1}
    html = officer_client.get(
        reverse("admin:complaints_complaint_report") + "?year=2025"
    ).content.decode()
    assert "按受理渠道" in html and "12315平台转来" in html
    listed = officer_client.get(
        reverse("admin:complaints_complaint_changelist") + "?case_type=report"
    )
    assert listed.context["cl"].result_count == 1
