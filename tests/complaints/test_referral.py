"""Referral (转办) of a case outside the bureau's remit: recorded with the receiving body and
date, refused without them, deadlines stop, shown on the tracking page."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, DeadlineState, ReferralBody, Status
from complaints.selectors import deadline_status
from core.notifications import MemorySmsBackend
from tests.factories.complaints import ComplaintFactory
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="tousu", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.COMPLAINT_OFFICER))
    client.force_login(user)
    return client


def refer_url(complaint):
    return reverse("admin:complaints_complaint_refer", args=[complaint.pk])


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"referred_on": "2025-10-09"}, "referred_to", "请选择转办单位。"),
        ({"referred_to": "market_regulation"}, "referred_on", "请填写转办日期。"),
        (
            {"referred_to": "other", "referred_on": "2025-10-09"},
            "referred_to_other",
            "请填写单位名称",
        ),
        (
            {"referred_to": "police", "referred_on": "2099-01-01"},
            "referred_on",
            "转办日期不能晚于今天。",
        ),
    ],
)
def test_a_referral_without_body_or_date_is_refused(officer_client, data, field, message):
    complaint = ComplaintFactory()
    response = officer_client.post(refer_url(complaint), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED and not complaint.referred_to


def test_a_referral_stops_the_deadlines_and_shows_on_the_tracking_page(
    officer_client, client, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox = []
    complaint = ComplaintFactory(phone="13909413333")
    change = officer_client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert refer_url(complaint) in change.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            refer_url(complaint),
            {"referred_to": ReferralBody.MARKET_REGULATION, "referred_on": "2025-10-09",
             "note": "属合同纠纷以外的价格违法问题"},
        )  # fmt: skip
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.REFERRED
    assert complaint.referred_to_label == "县市场监督管理局（12315）"
    assert complaint.deadline_state == DeadlineState.DONE
    assert deadline_status(complaint, timezone.localdate()).state == DeadlineState.DONE
    assert complaint not in Complaint.objects.open()
    assert "转县市场监督管理局（12315）办理" in MemorySmsBackend.outbox[0][1]

    officer_client.logout()
    response = client.post(
        reverse("complaints:track"),
        {"tracking_number": complaint.tracking_number, "phone": "13909413333"},
    )
    html = client.get(response.url).content.decode()
    assert "已转办" in html
    assert "2025年10月9日转县市场监督管理局（12315）办理" in html


def test_another_body_is_named_in_the_referral(officer_client):
    complaint = ComplaintFactory()
    officer_client.post(
        refer_url(complaint),
        {
            "referred_to": "other",
            "referred_to_other": "县住房和城乡建设局",
            "referred_on": "2025-10-09",
        },
    )
    complaint.refresh_from_db()
    assert complaint.referred_to_label == "县住房和城乡建设局"
