"""Credit reports (信用报告) issued to an enterprise for policy applications and tenders.

A report keeps the content it was issued with (`content`, a JSON snapshot), so the public
verification page shows exactly what was issued, whatever changed in the registers or the
credit file afterwards."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.models import Enterprise

# XY (信用) + YYYYMMDD + 8 random characters: 32^8 ≈ 1.1 trillion numbers a day.
REPORT_NUMBER_PREFIX = "XY"
REPORT_NUMBER_RANDOM_LENGTH = 8


class CreditReport(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", "企业服务平台"
        ADMIN = "admin", "管理后台"

    number = models.CharField("报告编号", max_length=24, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("出具时间", default=timezone.now, editable=False)
    valid_until = models.DateField(
        "有效期至", help_text="过期后仍可核验，但会提示报告已过期、请重新出具。"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="出具人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField("出具渠道", max_length=10, choices=Channel.choices)
    content = models.JSONField("报告内容", editable=False)
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        verbose_name = "信用报告"
        verbose_name_plural = "信用报告"
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "issued_at"], name="credit_report_ent_date")]

    def __str__(self) -> str:
        return self.number

    @property
    def issued_on(self):
        return timezone.localdate(self.issued_at)

    def expired_on(self, day) -> bool:
        return day > self.valid_until
