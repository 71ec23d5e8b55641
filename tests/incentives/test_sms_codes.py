"""SMS codes go through an outbox after commit: a gateway error never reaches the resident
as an error page, does not count against the number's limits, and the page says plainly
to try again. Every place a code is sent is covered: the public benefit check and the
portal's redemption. The benefit check answers the first step the same for any number and,
after the code, tells the owner of an unregistered number how to register."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.notifications import SmsBackend
from core.outbox import outbox_deliver
from core.personal_data import phone_hash
from core.tasks import deliver_outbox
from registry.models import VerificationCode
from registry.services.codes import code_check, code_send
from tests.factories.incentives import ResidentFactory, default_catalogue, grade, join
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, ServiceCategoryFactory
from tests.portal_clients import portal_client

from .conftest import TODAY, last_code

CODES = "registry.VerificationCode"

CHECK = "/incentives/check/"


class FailingSmsBackend(SmsBackend):
    """A gateway that refuses every message, as an outage or an exhausted account does."""

    def send(self, phone: str, message: str) -> None:
        raise ConnectionError("SMS gateway unreachable")


FAILING = "tests.incentives.test_sms_codes.FailingSmsBackend"


def _visible_text(response) -> str:
    """The page without its per-request parts (CSRF token, masked number)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r"1\d\d\*\*\*\*\d{4}", "MASKED", html)
    return re.sub(r'value="1\d{10}"', 'value="MOBILE"', html)


# --- The public benefit check -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_gateway_error_is_a_retry_message_and_the_next_try_is_not_held_back(
    client, settings, sms
):
    default_catalogue()
    ResidentFactory(mobile="13909415555")
    settings.SMS_BACKEND = FAILING

    for _ in range(6):  # more than the number's hourly allowance (5) and inside its 60 s wait
        response = client.post(CHECK, {"action": "send", "mobile": "13909415555"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "短信暂时没有发出去，请过一两分钟再点“获取短信验证码”重试" in page
        assert "第二步：输入短信验证码" not in page and "验证码已发送" not in page

    failed = VerificationCode.objects.filter(mobile_hash=phone_hash("13909415555"))
    assert failed.count() == 6
    assert set(failed.values_list("status", flat=True)) == {"failed"}
    assert set(failed.values_list("message_encrypted", flat=True)) == {""}
    assert set(failed.values_list("mobile_encrypted", flat=True)) == {""}
    assert all(
        "SMS gateway unreachable" in error for error in failed.values_list("last_error", flat=True)
    )

    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    response = client.post(CHECK, {"action": "send", "mobile": "13909415555"})
    page = response.content.decode()
    assert "第二步：输入短信验证码" in page and "验证码已发送到139****5555" in page
    assert sms[-1][0] == "13909415555"
    response = client.post(
        CHECK, {"action": "verify", "mobile": "13909415555", "code": last_code(sms)}
    )
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_code_whose_sms_failed_cannot_be_used(settings, sms):
    settings.SMS_BACKEND = FAILING
    record = code_send(purpose="check", mobile="13909415556", message="验证码{code}")
    record.refresh_from_db()
    assert record.status == "failed" and record.sent_at is None
    with pytest.raises(ValidationError, match="验证码已失效或未获取"):
        code_check(purpose="check", mobile="13909415556", code="000000")


@pytest.mark.django_db(transaction=True)
def test_the_code_waits_in_the_outbox_encrypted_until_a_worker_sends_it(real_broker, sms):
    """With a broker the request only enqueues: the SMS leaves from the worker."""
    record = code_send(purpose="check", mobile="13909415557", message="验证码{code}")
    record.refresh_from_db()
    assert record.status == "pending" and sms == []
    assert record.message_encrypted and "验证码" not in record.message_encrypted
    assert record.mobile_encrypted and "13909415557" not in record.mobile_encrypted

    assert deliver_outbox.run(CODES, [record.pk]) == 1
    assert deliver_outbox.run(CODES, [record.pk]) == 0  # a redelivered task sends nothing twice
    record.refresh_from_db()
    assert record.status == "sent" and record.message_encrypted == ""
    assert record.mobile_encrypted == "" and record.mobile_masked == "139****5557"
    assert len(sms) == 1 and sms[0][0] == "13909415557"


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_code_is_still_sent_after_commit(broker_down, sms):
    record = code_send(purpose="check", mobile="13909415558", message="验证码{code}")
    record.refresh_from_db()
    assert record.status == "sent"
    assert sms[-1][0] == "13909415558"


@pytest.mark.django_db(transaction=True)
def test_a_code_that_expired_in_the_queue_is_not_sent(real_broker, sms, clock):
    record = code_send(purpose="check", mobile="13909415559", message="验证码{code}")
    clock.shift(11 * 60)  # the worker was down longer than the code lives
    assert outbox_deliver(CODES, record.pk) == "failed"
    assert sms == []


@pytest.mark.django_db
def test_the_first_step_answers_the_same_for_a_registered_and_an_unregistered_number(
    client, sms, django_capture_on_commit_callbacks
):
    default_catalogue()
    ResidentFactory(mobile="13909416666")
    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(CHECK, {"action": "send", "mobile": "13909416666"})
    with django_capture_on_commit_callbacks(execute=True):
        unregistered = client.post(CHECK, {"action": "send", "mobile": "13909416667"})
    assert registered.status_code == unregistered.status_code == 200
    assert _visible_text(registered) == _visible_text(unregistered)
    assert "第二步：输入短信验证码" in unregistered.content.decode()
    # Both numbers get the same SMS: only the owner learns more, after the code.
    assert [phone for phone, _ in sms] == ["13909416666", "13909416667"]
    assert sms[0][1].replace(last_code(sms[:1]), "") == sms[1][1].replace(last_code(sms), "")


@pytest.mark.django_db
def test_after_the_code_an_unregistered_number_is_told_how_to_register(
    client, sms, django_capture_on_commit_callbacks
):
    default_catalogue()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHECK, {"action": "send", "mobile": "13909416668"})
    response = client.post(
        CHECK, {"action": "verify", "mobile": "13909416668", "code": last_code(sms)}
    )
    page = client.get(response.url).content.decode()
    assert "这个手机号还没有登记" in page
    assert "舟曲县工业和信息化和商务局" in page and "身份证" in page
    # What to bring for each special group, from the catalogue staff keep.
    assert "残疾人" in page and "残疾人证" in page and "低保户" in page
    assert "可能是该手机号还没有登记" not in page


@pytest.mark.django_db
def test_a_registered_number_sees_its_benefits_and_no_registration_notice(
    client, sms, django_capture_on_commit_callbacks
):
    default_catalogue()
    ResidentFactory(mobile="13909416669", name="杨秀英")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHECK, {"action": "send", "mobile": "13909416669"})
    response = client.post(
        CHECK, {"action": "verify", "mobile": "13909416669", "code": last_code(sms)}
    )
    page = client.get(response.url).content.decode()
    assert "杨秀英" in page and "还没有登记" not in page


# --- The portal's redemption ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_redemption_code_the_gateway_refused_is_a_retry_message_not_an_error(settings, sms):
    settings.SMS_BACKEND = FAILING
    measures, _ = default_catalogue()
    enterprise = EnterpriseFactory(name="舟曲县诚信家政服务有限公司")
    grade(enterprise, "AA")
    join(enterprise, *(m for m in measures.values() if m.audience == "resident"))
    client = portal_client(enterprise)
    worker = EmploymentFactory(enterprise=enterprise).worker
    resident = ResidentFactory(mobile="13909411234")
    order = {
        "mobile": "13909411234",
        "id_last4": resident.id_last4,
        "category": ServiceCategoryFactory().pk,
        "order_amount": "200",
        "served_on": TODAY.isoformat(),
        "worker": worker.pk,
        "action": "send",
    }
    new = reverse("portal:incentives_redemption_new")

    response = client.post(new, order)
    assert response.status_code == 200
    assert "短信暂时没有发出去" in response.content.decode()
    assert "第1步" in client.get(new).content.decode()  # no order waits for a code

    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    response = client.post(new, order)
    assert response.status_code == 302
    assert sms[-1][0] == "13909411234"
