"""One-time SMS codes (短信验证码) through registry's pluggable SMS backend.

A resident confirms a redemption at an enterprise with a code sent to their mobile, and
checks their own benefits on the public page the same way. Only a keyed hash of a code is
stored; a code lasts CODE_TTL, allows MAX_ATTEMPTS wrong guesses and is used once; a new
code for the same purpose replaces the previous one. Sending is throttled per mobile here
(the public views add a limit per IP address).
"""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registry import personal_data
from registry.models import Enterprise
from registry.notifications import send_sms
from registry.validators import clean_mobile

from ..models import Resident, VerificationCode

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_PER_HOUR = 5
MAX_ATTEMPTS = 5
SMS_SIGNATURE = "【舟曲信易+家政】"

Purpose = VerificationCode.Purpose


def _digest(code_id: int, mobile: str, code: str) -> str:
    return personal_data.lookup_hash(f"sms-code:{code_id}:{mobile}:{code}")


def _throttle(mobile: str, now) -> None:
    recent = VerificationCode.objects.filter(
        mobile_hash=personal_data.phone_hash(mobile), created_at__gt=now - timedelta(hours=1)
    )
    latest = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    if latest is not None and now - latest < RESEND_AFTER:
        wait = int((RESEND_AFTER - (now - latest)).total_seconds()) + 1
        raise ValidationError(
            "验证码已发送，请%(wait)d秒后再重新获取。", code="too_soon", params={"wait": wait}
        )
    if recent.count() >= MAX_PER_HOUR:
        raise ValidationError("该手机号获取验证码过于频繁，请1小时后再试。", code="too_many")


@transaction.atomic
def code_send(
    *,
    purpose: str,
    mobile: str,
    message: str,
    resident: Resident | None = None,
    enterprise: Enterprise | None = None,
) -> VerificationCode:
    """Create a code and send `message` (with "{code}" in it) once the transaction commits.
    Earlier unused codes for the same purpose, mobile, resident and enterprise expire."""
    mobile = clean_mobile(mobile)
    now = timezone.now()
    _throttle(mobile, now)
    VerificationCode.objects.filter(
        purpose=purpose,
        mobile_hash=personal_data.phone_hash(mobile),
        resident=resident,
        enterprise=enterprise,
        used_at=None,
    ).filter(expires_at__gt=now).update(expires_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    record = VerificationCode.objects.create(
        purpose=purpose,
        mobile_hash=personal_data.phone_hash(mobile),
        mobile_masked=personal_data.phone_mask(mobile),
        resident=resident,
        enterprise=enterprise,
        code_hash="",
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    record.code_hash = _digest(record.pk, mobile, code)
    record.save(update_fields=["code_hash"])
    text = SMS_SIGNATURE + message.format(code=code, minutes=int(CODE_TTL.total_seconds() // 60))
    transaction.on_commit(lambda: send_sms(mobile, text))
    return record


def code_check(
    *,
    purpose: str,
    mobile: str,
    code: str,
    resident: Resident | None = None,
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
                resident=resident,
                enterprise=enterprise,
                used_at=None,
                expires_at__gt=now,
            )
            .order_by("-created_at")
            .first()
        )
        if record is None:
            failure = ValidationError("验证码已失效或未获取，请重新获取验证码。", code="expired")
        elif record.attempts >= MAX_ATTEMPTS:
            failure = ValidationError("验证码输错次数过多，请重新获取验证码。", code="locked")
        elif not secrets.compare_digest(record.code_hash, _digest(record.pk, mobile, code)):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            left = MAX_ATTEMPTS - record.attempts
            failure = ValidationError(
                "验证码不正确，还可以再试%(left)d次。"
                if left
                else "验证码不正确，请重新获取验证码。",
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
        raise ValidationError("该验证码已使用过，请重新获取验证码。", code="used")
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
