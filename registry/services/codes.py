"""One-time SMS codes (短信验证码) through the pluggable SMS backend.

A public form that must know its sender holds a mobile sends a code to it and checks the
code the sender types back: a resident confirming a redemption at an enterprise or checking
their benefits, an opinion on a publicised rating, a customer confirming a service
agreement. Each app declares its purposes with `code_purpose` (the label is what staff and
the SMS say the code is for) and narrows a code with `scope` (a resident, an agreement...)
and `enterprise`. Only a keyed hash of a code is
stored; a code lasts CODE_TTL, allows MAX_ATTEMPTS wrong guesses and is used once; a new
code for the same purpose replaces the previous one. Sending is throttled per mobile here
(the public views add a limit per IP address).

The code row is its own outbox (core.outbox): `code_send` stores the message and the mobile
number encrypted and, once the transaction has committed, hands it to the outbox task (or,
with the broker unreachable, sends it at once). It is sent once, with one attempt: a
gateway failure is recorded instead of raised, and the message and the number are erased
either way (the hash and the masked number stay). A code whose SMS failed can no longer be
used and counts against no limit, so the resident simply asks for a new one; a code that
expired while it waited is not sent at all.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.notifications import send_sms
from core.outbox import Undeliverable, outbox_enqueue, outbox_register
from core.plugins import Registry
from core.validators import clean_mobile

from ..models import Enterprise, VerificationCode

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_PER_HOUR = 5
MAX_ATTEMPTS = 5

Status = VerificationCode.Status


@dataclass(frozen=True)
class CodePurpose:
    key: str
    label: str


CODE_PURPOSES: Registry[CodePurpose] = Registry("SMS code purposes")


def code_purpose(key: str, label: str) -> CodePurpose:
    """Declare what codes of `key` are for (from the declaring app's ready())."""
    return CODE_PURPOSES.register(CodePurpose(key, label))


def code_purpose_label(key: str) -> str:
    entry = CODE_PURPOSES.get(key)
    return entry.label if entry else key


def _known(purpose: str) -> str:
    if purpose not in CODE_PURPOSES:
        raise ImproperlyConfigured(f"SMS code purpose {purpose!r} is not declared.")
    return purpose


def _code_send_sms(record: VerificationCode) -> None:
    if record.expires_at <= timezone.now() or record.used_at is not None:
        raise Undeliverable("expired before it could be sent")
    send_sms(
        personal_data.phone_plain(record, "mobile"),
        personal_data.decrypt(record.message_encrypted),
    )


def _code_settle(record: VerificationCode, now) -> list[str]:
    """Sent or not, the message and the number are erased; a code not sent is void."""
    record.message_encrypted = ""
    record.mobile_encrypted = ""
    if record.status == Status.FAILED:
        record.expires_at = min(record.expires_at, now)
    return ["message_encrypted", "mobile_encrypted", "expires_at"]


CODES = outbox_register(
    VerificationCode,
    send=_code_send_sms,
    max_attempts=1,  # a code lives ten minutes: the resident asks again instead
    settle=_code_settle,
    send_without_broker=True,
    sms=True,
)


def _digest(code_id: int, mobile: str, code: str) -> str:
    return personal_data.lookup_hash(f"sms-code:{code_id}:{mobile}:{code}")


def _throttle(mobile: str, now) -> None:
    recent = VerificationCode.objects.filter(
        mobile_hash=personal_data.phone_hash(mobile), created_at__gt=now - timedelta(hours=1)
    ).exclude(status=Status.FAILED)
    latest = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    if latest is not None and now - latest < RESEND_AFTER:
        wait = int((RESEND_AFTER - (now - latest)).total_seconds()) + 1
        raise ValidationError(
            _("验证码已发送，请%(wait)d秒后再重新获取。"), code="too_soon", params={"wait": wait}
        )
    if recent.count() >= MAX_PER_HOUR:
        raise ValidationError(_("该手机号获取验证码过于频繁，请1小时后再试。"), code="too_many")


@transaction.atomic
def code_send(
    *,
    purpose: str,
    mobile: str,
    message: str,
    scope: str = "",
    enterprise: Enterprise | None = None,
) -> VerificationCode:
    """Create a code and send `message` (with "{code}" in it) once the transaction commits.
    Earlier unused codes for the same purpose, mobile, scope and enterprise expire."""
    purpose = _known(purpose)
    mobile = clean_mobile(mobile)
    now = timezone.now()
    _throttle(mobile, now)
    VerificationCode.objects.filter(
        purpose=purpose,
        mobile_hash=personal_data.phone_hash(mobile),
        scope=scope,
        enterprise=enterprise,
        used_at=None,
    ).filter(expires_at__gt=now).update(expires_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    record = VerificationCode.objects.create(
        purpose=purpose,
        mobile_hash=personal_data.phone_hash(mobile),
        mobile_masked=personal_data.phone_mask(mobile),
        scope=scope,
        enterprise=enterprise,
        code_hash="",
        created_at=now,
        expires_at=now + CODE_TTL,
        status=Status.PENDING,
    )
    text = message.format(code=code, minutes=int(CODE_TTL.total_seconds() // 60))
    record.code_hash = _digest(record.pk, mobile, code)
    record.message_encrypted = personal_data.encrypt(text)
    record.mobile_encrypted = personal_data.encrypt(mobile)
    record.save(update_fields=["code_hash", "message_encrypted", "mobile_encrypted"])
    outbox_enqueue(CODES, [record.pk])
    return record


def code_delivery_failed(record: VerificationCode) -> bool:
    """Whether the SMS of a code just sent is already known to have failed (a task running in
    process, or the broker fallback, delivers before the page answers)."""
    record.refresh_from_db(fields=["status"])
    return record.status == Status.FAILED


def code_check(
    *,
    purpose: str,
    mobile: str,
    code: str,
    scope: str = "",
    enterprise: Enterprise | None = None,
) -> VerificationCode:
    """The valid code matching `code`, not yet used (the caller marks it used with
    `code_consume` in its own transaction). A wrong guess is counted even though this
    raises: the count is committed in its own transaction first."""
    mobile = clean_mobile(mobile)
    code = (code or "").strip()
    now = timezone.now()
    failure = None
    with transaction.atomic():
        record = (
            VerificationCode.objects.select_for_update()
            .filter(
                purpose=purpose,
                mobile_hash=personal_data.phone_hash(mobile),
                scope=scope,
                enterprise=enterprise,
                used_at=None,
                expires_at__gt=now,
            )
            .order_by("-created_at")
            .first()
        )
        if record is None:
            failure = ValidationError(_("验证码已失效或未获取，请重新获取验证码。"), code="expired")
        elif record.guesses >= MAX_ATTEMPTS:
            failure = ValidationError(_("验证码输错次数过多，请重新获取验证码。"), code="locked")
        elif not secrets.compare_digest(record.code_hash, _digest(record.pk, mobile, code)):
            record.guesses += 1
            record.save(update_fields=["guesses"])
            left = MAX_ATTEMPTS - record.guesses
            failure = ValidationError(
                _("验证码不正确，还可以再试%(left)d次。")
                if left
                else _("验证码不正确，请重新获取验证码。"),
                code="wrong",
                params={"left": left},
            )
    if failure is not None:
        raise failure
    return record


def code_consume(record: VerificationCode) -> None:
    """Mark a checked code used, inside the caller's transaction; a code is used once even
    when two requests present it at the same moment (the row lock decides)."""
    locked = VerificationCode.objects.select_for_update().get(pk=record.pk)
    if locked.used_at is not None:
        raise ValidationError(_("该验证码已使用过，请重新获取验证码。"), code="used")
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
