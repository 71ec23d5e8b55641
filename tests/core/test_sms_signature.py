"""Every text message the product sends starts with the one signature registered with the
carrier (settings.SMS_SIGNATURE), in Chinese and in Tibetan: the signature is never
translated, and no message text carries a signature of its own."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from complaints.models import CaseType
from complaints.services.notify import MESSAGES, REPORT_MESSAGES, notification_queue
from core.i18n.catalogue import po_path
from core.notifications import MemorySmsBackend, sms_signed
from incentives.models import BookingRequest, Participation
from incentives.services import booking_accept
from registry.models import EnterpriseQualification, Validity
from registry.services.codes import CODE_PURPOSES, code_send
from registry.services.refresh import expiring_documents_notify
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EnterpriseFactory, QualificationFactory
from tests.incentives.conftest import NOW
from tests.incentives.test_bookings import (  # noqa: F401 (fixtures)
    NEW,
    book,
    catalogue,
    cleaning,
    enterprises,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SIGNATURE = "【县局测试签名】"
# A signature-like bracket: 【…】.
BRACKETED = re.compile(r"【[^【】]{1,30}】")
LANGUAGES = ["zh-hans", "bo"]


@pytest.fixture(autouse=True)
def signature(settings):
    settings.SMS_SIGNATURE = SIGNATURE


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def signed_once(messages) -> list[str]:
    """The messages that do not start with the configured signature, or carry another."""
    return [
        body
        for _, body in messages
        if not body.startswith(SIGNATURE) or BRACKETED.findall(body) != [SIGNATURE]
    ]


def project_files(*suffixes: str):
    """The committed files of the product (not the tests, not the setting itself)."""
    listed = subprocess.run(
        ["git", "ls-files", *(f"*{suffix}" for suffix in suffixes)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        if not name.startswith("tests/") and name != "zhouqu_jiazheng/settings.py":
            yield ROOT / name


def test_no_message_text_in_the_code_or_the_catalogue_carries_a_signature_of_its_own():
    found = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in project_files(".py", ".html", ".txt", ".po")
        for match in BRACKETED.findall(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_only_send_sms_hands_messages_to_the_backend():
    callers = [
        str(path.relative_to(ROOT))
        for path in project_files(".py")
        if re.search(r"sms_backend\(\)|settings\.SMS_BACKEND", path.read_text(encoding="utf-8"))
    ]
    assert callers == ["core/notifications.py"]


def test_a_signature_left_on_a_pending_text_gives_way_to_the_configured_one():
    assert sms_signed("【信易+家政】您的预约已提交。") == f"{SIGNATURE}您的预约已提交。"
    assert sms_signed("您的预约已提交。") == f"{SIGNATURE}您的预约已提交。"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sms_code_is_signed(language, sms, django_capture_on_commit_callbacks):
    purposes = [purpose.key for purpose in CODE_PURPOSES]
    assert purposes
    for index, purpose in enumerate(purposes):
        with translation.override(language), django_capture_on_commit_callbacks(execute=True):
            code_send(purpose=purpose, mobile=f"1390941{index:04d}", message="验证码{code}")
    assert len(sms) == len(purposes)
    assert not signed_once(sms)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_code_asked_for_on_a_page_is_signed_in_the_language_of_the_page(
    client, sms, language, django_capture_on_commit_callbacks
):
    url = reverse("incentives:check")
    client.post(reverse("set_language"), {"language": language, "next": url})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send", "mobile": "13909417777"})
    assert len(sms) == 1 and not signed_once(sms)
    assert ("您正在查询" in sms[0][1]) == (language == "zh-hans")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case_type", [CaseType.COMPLAINT, CaseType.REPORT])
def test_every_complaint_and_report_sms_is_signed(
    language, case_type, sms, django_capture_on_commit_callbacks
):
    complaint = ComplaintFactory(
        case_type=case_type, language=language, enterprise=EnterpriseFactory(phone="13909410001")
    )
    context = {
        "due": datetime.date(2025, 12, 1),
        "response_due": datetime.date(2025, 11, 28),
        "reason": "-",
        "day": datetime.date(2025, 11, 21),
        "body": "-",
        "result": "-",
        "stage": "-",
    }
    events = REPORT_MESSAGES if case_type == CaseType.REPORT else MESSAGES
    for event in events:
        with django_capture_on_commit_callbacks(execute=True):
            notification_queue(complaint=complaint, event=event, context=context)
    sms_kinds = [r for event in events.values() for r, _, _ in event if r != "officer"]
    assert len(sms) == len(sms_kinds)
    assert not signed_once(sms)
    to_complainant = [body for phone, body in sms if phone == "13909415678"]
    assert all(("您的" in body) == (language == "zh-hans") for body in to_complainant)


def booked_in(client, sms, capture, clock, mobile: str) -> None:
    """A booking made on the page in the language chosen before, with the code it sent."""
    clock.shift(datetime.timedelta(minutes=2))
    with capture(execute=True):
        client.post(NEW, {"action": "send", "mobile": mobile, "kind": "service"})
    code = re.search(r"(?<!\d)\d{6}(?!\d)", [b for to, b in sms if to == mobile][-1]).group()
    with capture(execute=True):
        book(client, code, mobile)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_booking_sms_is_signed(
    client,
    language,
    enterprises,  # noqa: F811 (the fixture)
    sms,
    clock,
    django_capture_on_commit_callbacks,
):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    # The resident's "submitted" and the enterprises' offers.
    booked_in(client, sms, django_capture_on_commit_callbacks, clock, "13909413030")
    booking = BookingRequest.objects.get()
    assert booking.language == language
    with django_capture_on_commit_callbacks(execute=True):
        offer = booking.offers.get(enterprise=enterprises["aaa"])
        booking_accept(actor=None, enterprise=enterprises["aaa"], offer=offer)
    Participation.objects.all().delete()
    # Nobody may take this one: "unanswered".
    booked_in(client, sms, django_capture_on_commit_callbacks, clock, "13909413031")
    to_residents = [b for to, b in sms if to.startswith("1390941303") and "%" not in b]
    assert len(to_residents) == 5  # two codes, submitted, accepted, unanswered
    assert len(sms) > 5  # and the enterprises' offers
    assert not signed_once(sms)


def test_the_document_expiry_sms_is_signed(sms, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory(phone="13909410009")
    QualificationFactory(
        enterprise=enterprise,
        valid_to=datetime.date(2025, 12, 1),
        validity=Validity.EXPIRING,
        verified=True,
    )
    assert EnterpriseQualification.objects.filter(validity=Validity.EXPIRING).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert expiring_documents_notify(today=datetime.date(2025, 11, 20)) == 1
    assert len(sms) == 1 and not signed_once(sms)


def test_the_catalogue_has_no_signature_to_translate():
    text = po_path("bo").read_text(encoding="utf-8")
    assert not BRACKETED.search(text)
