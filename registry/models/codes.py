"""One-time SMS codes (短信验证码) that confirm a mobile number on the public pages."""

from django.db import models
from django.utils import timezone

from core.outbox import OutboxMessage

from .subjects import Enterprise


class VerificationCode(OutboxMessage):
    """A one-time SMS code confirming that whoever fills a form holds a mobile: a resident
    confirming a redemption at an enterprise or checking their own benefits, someone sending
    an opinion on a publicised rating, a customer confirming a service agreement. The
    `purpose` says what the code is for (apps declare theirs with
    `registry.services.codes.code_purpose`); `scope` narrows it to one thing (a resident, an
    agreement, ...) and `enterprise` to one enterprise. Only a keyed hash of the code is
    stored; the message is also the outbox row (core.outbox), kept encrypted until it is
    delivered and then erased."""

    purpose = models.CharField("用途", max_length=20, db_index=True)
    scope = models.CharField("对象", max_length=60, blank=True, default="")
    # The hash (throttling, look-up) and the masked number are kept; the full number is kept
    # encrypted only until the message is delivered, then erased like the message.
    mobile_hash = models.CharField("手机号码索引", max_length=64, db_index=True, editable=False)
    mobile_masked = models.CharField("手机号码", max_length=11, editable=False)
    mobile_encrypted = models.TextField("手机号码（加密，发送后清除）", blank=True, editable=False)
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
        return f"{self.purpose} {self.mobile_masked}"
