"""SMS verification codes sent to residents."""

from django.db import models
from django.utils import timezone

from core.outbox import OutboxMessage
from registry.models import Enterprise

from .residents import Resident


class VerificationCode(OutboxMessage):
    """A one-time SMS code: a resident confirming a redemption at an enterprise, or checking
    their own benefits on the public page. Only a keyed hash of the code is stored; the
    message is also the outbox row (core.outbox), kept encrypted until it is delivered and
    then erased."""

    class Purpose(models.TextChoices):
        REDEMPTION = "redemption", "确认使用优惠"
        CHECK = "check", "查询可享优惠"

    purpose = models.CharField("用途", max_length=12, choices=Purpose.choices)
    # The hash (throttling, look-up) and the masked number are kept; the full number is kept
    # encrypted only until the message is delivered, then erased like the message.
    mobile_hash = models.CharField("手机号码索引", max_length=64, db_index=True, editable=False)
    mobile_masked = models.CharField("手机号码", max_length=11, editable=False)
    mobile_encrypted = models.TextField("手机号码（加密，发送后清除）", blank=True, editable=False)
    resident = models.ForeignKey(
        Resident, verbose_name="居民", on_delete=models.CASCADE, null=True, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, null=True, related_name="+"
    )
    code_hash = models.CharField("验证码摘要", max_length=64)
    created_at = models.DateTimeField("发送时间", default=timezone.now, db_index=True)
    expires_at = models.DateTimeField("失效时间")
    # Wrong codes entered (the outbox's `attempts` counts sending attempts).
    guesses = models.PositiveSmallIntegerField("尝试次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    status = models.CharField(
        "短信状态",
        max_length=10,
        choices=OutboxMessage.Status.choices,
        default=OutboxMessage.Status.PENDING,
        db_index=True,
    )
    message_encrypted = models.TextField("短信内容（加密，发送后清除）", blank=True, editable=False)
    sent_at = models.DateTimeField("短信发出时间", null=True, blank=True)
    last_error = models.CharField("发送错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.mobile_masked}"
