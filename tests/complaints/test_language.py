"""A complaint made on the Tibetan pages keeps its language: stored, and used for its SMS."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from complaints.models import Complaint, Notification
from complaints.services.notify import notification_queue
from tests.complaints.test_pages import NEW, form_data
from tests.translations import fake_bo_catalogue

pytestmark = pytest.mark.django_db

RECEIVED = "【{site}】您的投诉已收到，投诉编号{number}，我们将在{due}前决定是否受理。{track}"
CLOSED = "【{site}】您的投诉{number}已办结。欢迎在投诉进度查询页面对办理情况进行评价。"


@pytest.fixture
def bo_catalogue(monkeypatch):
    fake_bo_catalogue(monkeypatch, {RECEIVED: "BO-RECEIVED {number}", CLOSED: "BO-CLOSED {number}"})


def switch_to_tibetan(client):
    client.post(reverse("set_language"), {"language": "bo", "next": NEW})


def test_the_language_survives_the_complaint_flow_and_is_stored(client, bo_catalogue):
    switch_to_tibetan(client)
    assert '<html lang="bo">' in client.get(NEW).content.decode()
    response = client.post(NEW, form_data())
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.language == "bo"
    assert '<html lang="bo">' in client.get(response.url).content.decode()
    sms = complaint.notifications.get(channel=Notification.Channel.SMS)
    assert sms.body == f"BO-RECEIVED {complaint.tracking_number}"


def test_without_a_choice_the_complaint_is_chinese(client, bo_catalogue):
    client.post(NEW, form_data())
    complaint = Complaint.objects.get()
    assert complaint.language == settings.LANGUAGE_CODE
    sms = complaint.notifications.get(channel=Notification.Channel.SMS)
    assert sms.body.startswith("【舟曲县信易+家政】您的投诉已收到")


def test_later_messages_use_the_stored_language_not_the_officers(client, bo_catalogue):
    switch_to_tibetan(client)
    client.post(NEW, form_data())
    complaint = Complaint.objects.get()
    # An officer closes the case later, from a Chinese page.
    with translation.override("zh-hans"):
        rows = notification_queue(complaint=complaint, event="closed")
    assert {row.body for row in rows} == {f"BO-CLOSED {complaint.tracking_number}"}


def test_a_tibetan_complainant_reads_the_sms_in_tibetan_under_the_registered_signature(client):
    switch_to_tibetan(client)
    client.post(NEW, form_data())
    complaint = Complaint.objects.get()
    assert complaint.language == "bo"
    sms = complaint.notifications.get(channel=Notification.Channel.SMS)
    # The signature is the one registered with the carrier; the text is the trial Tibetan.
    assert sms.body.startswith("【舟曲县信易+家政】")
    assert "您的投诉已收到" not in sms.body
    assert complaint.tracking_number in sms.body
