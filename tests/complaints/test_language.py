"""A complaint made on the Tibetan pages keeps its language: stored, and used for its SMS."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from complaints.models import Complaint, Notification
from complaints.services import (
    complaint_accept,
    complaint_mediation_end,
    complaint_mediation_start,
)
from complaints.services.notify import notification_queue
from tests.complaints.test_pages import NEW, form_data
from tests.translations import fake_bo_catalogue
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

RECEIVED = "您的投诉已收到，投诉编号{number}，我们将在{due}前决定是否受理。{track}"
CLOSED = "您的投诉{number}已办结。欢迎在投诉进度查询页面对办理情况进行评价。"


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
    assert sms.body.startswith("您的投诉已收到")


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
    # The text is the trial Tibetan; the signature is added when it is sent
    # (tests/core/test_sms_signature.py).
    assert "您的投诉已收到" not in sms.body
    assert complaint.tracking_number in sms.body


# --- 举报 in its own words, in both languages ---------------------------------------------

REPORT = "/complaints/report/"
COMPLAINT_BO = "མི་མོས་ཞུ་གཏུག"  # 投诉 (locale/bo/GLOSSARY.md)
REPORT_BO = "གསལ་ཞུ"  # 举报
# The tracking page keeps its name (投诉进度查询) for both kinds of case.
TRACKING_PAGE = ("投诉进度查询", "མི་མོས་ཞུ་གཏུག་གི་གནས་སྟངས་འཚོལ་ཞིབ")


def without_the_tracking_page(text: str) -> str:
    for name in TRACKING_PAGE:
        text = text.replace(name, "")
    return text


def test_every_event_a_report_can_reach_has_its_own_words():
    from complaints.services.notify import MESSAGES, REPORT_MESSAGES

    # A 举报 is investigated, never mediated.
    assert set(REPORT_MESSAGES) == set(MESSAGES) - {"mediation_ended"}


def test_no_code_turns_complaint_words_into_report_words_by_replacing_text():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = [
        str(path.relative_to(root))
        for app in ("complaints", "core", "portal")
        for path in (root / app).rglob("*.py")
        if '.replace("投诉"' in path.read_text(encoding="utf-8")
    ]
    assert not found


@pytest.mark.parametrize("language", ["zh-hans", "bo"])
def test_report_messages_say_report_in_the_complainants_language(language):
    from complaints.models import CaseType
    from complaints.services.notify import REPORT_MESSAGES
    from tests.factories.complaints import ComplaintFactory
    from tests.factories.registry import EnterpriseFactory

    report = ComplaintFactory(
        case_type=CaseType.REPORT, language=language, enterprise=EnterpriseFactory(phone="")
    )
    context = {"due": report.acceptance_due, "reason": "-", "day": report.acceptance_due}
    context |= {"body": "-", "stage": "-", "response_due": report.acceptance_due}
    for event in REPORT_MESSAGES:
        for row in notification_queue(complaint=report, event=event, context=context):
            if row.recipient != Notification.Recipient.COMPLAINANT:
                continue
            text = without_the_tracking_page(row.body + row.subject)
            if language == "bo":
                assert REPORT_BO in text and COMPLAINT_BO not in text, (event, row.body)
            else:
                assert "举报" in text and "投诉" not in text, (event, row.body)


@pytest.mark.parametrize(
    ("language", "word", "other"), [("zh-hans", "举报", "投诉"), ("bo", REPORT_BO, COMPLAINT_BO)]
)
def test_the_report_form_asks_which_enterprise_and_for_consent_in_report_words(
    client, language, word, other
):
    from tests.complaints.test_reports import report_data
    from tests.factories.registry import EnterpriseFactory

    EnterpriseFactory(name="城关安心家政服务部")
    EnterpriseFactory(name="城关安心家政保洁队")
    client.post(reverse("set_language"), {"language": language, "next": REPORT})
    response = client.post(REPORT, report_data(enterprise_query="城关安心家政", consent=""))
    errors = response.context["form"].errors
    for field in ("enterprise_query", "consent"):
        text = " ".join(errors[field])
        assert word in text and other not in text, (field, text)


@pytest.mark.parametrize(
    ("agreed", "chinese", "tibetan"),
    [(True, "双方达成协议", "ཕྱོགས་གཉིས་ཀྱིས་གྲོས་མཐུན་བྱུང་།"), (False, "未达成协议", "གྲོས་མཐུན་མ་བྱུང་།")],
)
def test_the_mediations_result_is_written_in_the_complainants_language(
    client, django_user_model, agreed, chinese, tibetan
):
    officer = django_user_model.objects.create_user(username="tousu", is_staff=True)
    officer.groups.add(Group.objects.get(name=roles.COMPLAINT_OFFICER))
    switch_to_tibetan(client)
    client.post(NEW, form_data())
    complaint = complaint_accept(actor=officer, complaint=Complaint.objects.get())
    complaint = complaint_mediation_start(actor=officer, complaint=complaint)
    with translation.override("zh-hans"):  # the officer works on a Chinese page
        complaint_mediation_end(
            actor=officer, complaint=complaint, agreed=agreed, summary="退还100元。"
        )
    sms = complaint.notifications.filter(
        channel=Notification.Channel.SMS, recipient=Notification.Recipient.COMPLAINANT
    ).latest("pk")
    assert tibetan in sms.body and chinese not in sms.body
