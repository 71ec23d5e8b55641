"""Taking in a complaint: tracking numbers, duplicates, attachments, the outbox."""

import io
import re
import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from complaints.contact import phone_hash
from complaints.models import Complaint, ComplaintUpdate, Notification, Status
from complaints.selectors import TRACKING_ALPHABET
from complaints.services import complaint_submit
from complaints.services.intake import tracking_number_new
from core.notifications import MemorySmsBackend
from core.outbox import outbox_drain
from core.personal_data import decrypt
from tests.factories.registry import EnterpriseFactory, township

pytestmark = pytest.mark.django_db

SMS = "core.notifications.MemorySmsBackend"


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = SMS
    MemorySmsBackend.outbox = []
    return MemorySmsBackend.outbox


def submit(**overrides):
    fields = {
        "submission_token": overrides.pop("token", "t" * 32),
        "complainant_name": "李秀英",
        "phone": "13909410001",
        "township": township(),
        # Before every day the tests travel to: the service refuses a future service date.
        "service_date": date(2025, 9, 20),
        "category": "overcharging",
        "description": "保洁结束后多收了两百元，说是加班费，事先没有说明。",
        "desired_outcome": "退还多收的费用",
        "enterprise": None,
        "enterprise_text": "城关镇某保洁公司",
    }
    fields.update(overrides)
    return complaint_submit(**fields)


def jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (34.0, 12.0, 0.0), 4: (104.0, 22.0, 0.0)}  # GPS: the resident's home
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_tracking_number_format_and_alphabet():
    number = tracking_number_new(date(2025, 10, 8))
    assert re.fullmatch(r"TS20251008[2-9A-HJ-NP-Z]{6}", number)
    assert not set("IO01") & set(TRACKING_ALPHABET)
    assert len(TRACKING_ALPHABET) == 32


def test_tracking_numbers_are_not_sequential():
    numbers = {tracking_number_new(date(2025, 10, 8)) for _ in range(2000)}
    assert len(numbers) == 2000  # 32^6 a day: no collisions in a realistic day's count


@time_machine.travel("2025-09-26 10:00 +0800")
def test_submission_stores_everything_and_acknowledges(sms, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory(name="舟曲县安心家政服务有限公司")
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(enterprise=enterprise, enterprise_text="", email="li@example.cn")
    complaint = result.complaint
    assert result.created
    assert complaint.status == Status.SUBMITTED
    assert complaint.tracking_number.startswith("TS20250926")
    # The phone is kept encrypted and masked, and found by its hash.
    assert complaint.phone_masked == "139****0001"
    assert decrypt(complaint.phone_encrypted) == "13909410001"
    assert "13909410001" not in complaint.phone_encrypted
    assert complaint.phone_hash == phone_hash("13909410001")
    # Received on Friday 26 September: 7 working days across National Day → 13 October.
    assert complaint.acceptance_due == date(2025, 10, 13)
    timeline = list(complaint.updates.all())
    assert [u.visibility for u in timeline] == [ComplaintUpdate.Visibility.PUBLIC]
    # SMS and e-mail acknowledgements, sent through the outbox after commit.
    assert sms == [("13909410001", sms[0][1])]
    assert complaint.tracking_number in sms[0][1]
    assert "2025年10月13日" in sms[0][1]
    statuses = set(complaint.notifications.values_list("channel", "status"))
    assert statuses == {("sms", "sent"), ("email", "sent")}


def test_the_same_token_returns_the_stored_complaint():
    first = submit(token="a" * 32)
    again = submit(token="a" * 32, description="完全不同的文字也一样：同一张表单只提交一次。")
    assert not again.created
    assert again.complaint.pk == first.complaint.pk
    assert Complaint.objects.count() == 1


def test_same_phone_enterprise_and_text_within_ten_minutes_is_a_duplicate():
    enterprise = EnterpriseFactory()
    with time_machine.travel("2025-10-08 09:00 +0800", tick=False):
        first = submit(token="a" * 32, enterprise=enterprise, enterprise_text="")
    with time_machine.travel("2025-10-08 09:09 +0800", tick=False):
        again = submit(
            token="b" * 32, enterprise=enterprise, enterprise_text="", phone="139 0941 0001"
        )
    assert not again.created and again.complaint.pk == first.complaint.pk
    with time_machine.travel("2025-10-08 09:11 +0800", tick=False):
        later = submit(token="c" * 32, enterprise=enterprise, enterprise_text="")
    assert later.created
    other_text = submit(
        token="d" * 32,
        enterprise=enterprise,
        enterprise_text="",
        description="另一件事：服务人员迟到了两个小时，也没有提前告知。",
    )
    assert other_text.created
    assert Complaint.objects.count() == 3


def test_whitespace_does_not_defeat_the_duplicate_check():
    submit(token="a" * 32, description="保洁结束后多收了两百元，\n说是加班费。")
    again = submit(token="b" * 32, description="  保洁结束后多收了两百元， 说是加班费。 ")
    assert not again.created


def test_attachment_metadata_is_stripped():
    result = submit(attachments=[jpeg_with_gps()])
    attachment = result.complaint.attachments.get()
    with Image.open(attachment.file) as stored:
        assert not stored.getexif()
        assert stored.size == (40, 30)
    assert attachment.original_name == "photo.jpg"
    assert attachment.file.name.startswith(f"complaints/{result.complaint.received_at:%Y/%m}/")


def test_more_than_five_attachments_are_refused_and_nothing_is_stored():
    files = [jpeg_with_gps() for _ in range(6)]
    with pytest.raises(ValidationError):
        submit(attachments=files)
    assert Complaint.objects.count() == 0


def test_a_bad_phone_is_refused_in_chinese():
    with pytest.raises(ValidationError) as error:
        submit(phone="12345")
    assert "手机号码" in error.value.messages[0]
    assert Complaint.objects.count() == 0


def test_a_complaint_must_name_an_enterprise():
    with pytest.raises(ValidationError) as error:
        submit(enterprise=None, enterprise_text="")
    assert "企业" in " ".join(error.value.messages)


@pytest.mark.usefixtures("sms")
def test_saved_while_the_broker_is_down_and_notified_when_it_returns(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = submit()
    complaint = Complaint.objects.get(pk=result.complaint.pk)
    notification = complaint.notifications.get()
    assert notification.status == Notification.Status.PENDING
    assert MemorySmsBackend.outbox == []
    # The broker is back: beat runs the drain, which sends what was left pending.
    broker_down.conf.task_always_eager = True
    with time_machine.travel(notification.created_at + timedelta(minutes=5)):
        assert outbox_drain() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert MemorySmsBackend.outbox[0][0] == "13909410001"
    # Draining again sends nothing twice.
    with time_machine.travel(notification.created_at + timedelta(minutes=10)):
        assert outbox_drain() == 0
    assert len(MemorySmsBackend.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_store_one_complaint():
    town = township()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def post():
        try:
            barrier.wait(timeout=5)
            results.append(submit(token="z" * 32, township=town))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Complaint.objects.count() == 1
    assert {r.complaint.pk for r in results} == {Complaint.objects.get().pk}
    assert sorted(r.created for r in results) == [False, True]


@time_machine.travel("2025-10-08 09:00 +0800")
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("complainant_name", "李", "请填写您的姓名。"),
        ("complainant_name", "  ", "请填写您的姓名。"),
        ("service_date", date(2001, 5, 1), "服务日期超过三年的投诉不予受理。"),
        ("service_date", date(2025, 10, 9), "服务日期不能晚于今天。"),
    ],
)
def test_the_service_refuses_what_the_form_refuses(field, value, message):
    with pytest.raises(ValidationError) as refused:
        submit(**{field: value})
    assert refused.value.message_dict == {field: [message]}
    assert not Complaint.objects.exists()
