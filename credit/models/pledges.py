"""The credit pledge (信用承诺书): the text staff publish in versions, the enterprises'
signatures of a version, and the breaches of a signed pledge (a serious negative credit
record of the enterprise after it signed)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from registry.models import Enterprise

from .events import CreditEvent


class PledgeTextQuerySet(models.QuerySet):
    def current(self):
        """The version in force: the latest one published."""
        return self.order_by("-version").first()


class PledgeText(models.Model):
    """One published version of the pledge. A published version is never edited: a change
    is a new version (a new row), which every enterprise is asked to sign again."""

    version = models.PositiveSmallIntegerField("版本号", unique=True)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("承诺内容")
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = PledgeTextQuerySet.as_manager()

    class Meta:
        verbose_name = "信用承诺书"
        verbose_name_plural = "信用承诺书"
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class PledgeSignature(models.Model):
    """An enterprise's signature of one version, made in the portal; never edited."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    pledge = models.ForeignKey(
        PledgeText, verbose_name="承诺书版本", on_delete=models.PROTECT, related_name="signatures"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签署账号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signer_name = models.CharField("签署人", max_length=50)
    signed_at = models.DateTimeField("签署时间", db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "承诺书签署记录"
        verbose_name_plural = "承诺书签署记录"
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "pledge"],
                name="credit_one_signature_per_enterprise_version",
                violation_error_message="本企业已签署此版本的信用承诺书。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · 第{self.pledge.version}版"


class PledgeBreach(models.Model):
    """A breach of a signed pledge: a serious negative credit record of the enterprise dated
    on or after its signature. Marked revoked (never deleted) when the record is revoked."""

    signature = models.ForeignKey(
        PledgeSignature,
        verbose_name="签署记录",
        on_delete=models.PROTECT,
        related_name="breaches",
    )
    event = models.OneToOneField(
        CreditEvent,
        verbose_name="信用记录",
        on_delete=models.PROTECT,
        related_name="pledge_breach",
    )
    recorded_at = models.DateTimeField("记录时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "违背承诺记录"
        verbose_name_plural = "违背承诺记录"
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.signature.enterprise} · {self.event.title}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
