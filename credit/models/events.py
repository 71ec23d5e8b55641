"""Credit events (信用记录): the facts in a subject's credit file."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import validate_upload

from .subjects import (
    Severity,
    SubjectMixin,
    exactly_one_subject,
)


class EventKind(models.TextChoices):
    SUBSTANTIATED_COMPLAINT = "complaint", _("投诉属实")
    SUBSTANTIATED_REPORT = "report", _("举报属实")  # a violation reported without personal loss
    COMPLAINT_LATE = "complaint_late", _("投诉未按时处理")
    SERVICE_REVIEW = "review", _("服务评价")
    PENALTY = "penalty", _("行政处罚")
    SPOT_CHECK_FAILED = "spot_failed", _("抽查不合格")
    SPOT_CHECK_PASSED = "spot_passed", _("抽查合格")
    AWARD = "award", _("表彰奖励")
    TRAINING = "training", _("参加培训")
    CONTRACT_DISPUTE = "dispute", _("合同纠纷")
    OTHER_NEGATIVE = "other_negative", _("其他失信行为")
    OTHER_POSITIVE = "other_positive", _("其他守信表现")


POSITIVE_KINDS = {
    EventKind.SPOT_CHECK_PASSED,
    EventKind.AWARD,
    EventKind.TRAINING,
    EventKind.OTHER_POSITIVE,
}
NEUTRAL_KINDS = {EventKind.SERVICE_REVIEW}


class CreditEventQuerySet(models.QuerySet):
    def within_disclosure(self, day: date):
        """Events still within their disclosure period (公示期限) on `day`, whatever their
        status."""
        return self.filter(Q(disclosure_until__isnull=True) | Q(disclosure_until__gte=day))

    def counting_on(self, day: date):
        """Events that count on `day`: active and still within their disclosure period."""
        return self.filter(status=CreditEvent.Status.ACTIVE).within_disclosure(day)

    def disclosed_on(self, day: date):
        """Records on public disclosure on `day`: counting, and already decided by then. The
        last day of the period (`disclosure_until`) is still shown; a repaired or revoked
        record is not."""
        return self.counting_on(day).filter(occurred_on__lte=day)


class CreditEvent(SubjectMixin):
    class Source(models.TextChoices):
        MANUAL = "manual", "人工录入"
        IMPORT = "import", "批量导入"
        COMPLAINT = "complaint", "投诉处理"
        REVIEW = "review", "服务评价"
        INSPECTION = "inspection", "监督检查"
        REGISTRY = "registry", "档案"

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        REPAIRED = "repaired", _("已修复")
        REVOKED = "revoked", _("已撤销")

    kind = models.CharField("类型", max_length=20, choices=EventKind.choices, db_index=True)
    severity = models.CharField(
        "严重程度", max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    occurred_on = models.DateField("发生日期", db_index=True)
    title = models.CharField("事由", max_length=200)
    description = models.TextField("详细情况", blank=True)
    tag = models.CharField(
        "细分类别",
        max_length=30,
        blank=True,
        db_index=True,
        help_text="如投诉类别“人身安全”、处罚原因“欺诈”；一票否决规则按此匹配。",
    )
    value = models.DecimalField(
        "数值",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="服务评价的分数（1–5）、培训学时等。",
    )
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.MANUAL)
    source_ref = models.CharField(
        "来源记录",
        max_length=80,
        blank=True,
        help_text="如 complaints.Complaint:123，用于追溯和撤销。",
    )
    evidence = models.FileField(
        "证明材料", upload_to="credit/evidence/%Y/", blank=True, validators=[validate_upload]
    )
    disclosure_until = models.DateField("公示截止日期", null=True, blank=True)
    # What the 行政处罚 disclosure (双公示) publishes beside 事由 and the decision date.
    legal_basis = models.CharField(
        "处罚依据",
        max_length=500,
        blank=True,
        db_default="",  # bulk writers (imports, the synthetic generator) may leave it out
        help_text="作出处罚所依据的法律法规条款，如《中华人民共和国价格法》第四十二条。",
    )
    authority = models.CharField(
        "决定机关", max_length=100, blank=True, db_default="", help_text="作出处罚决定的机关。"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    status_reason = models.CharField("状态变更原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = CreditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            exactly_one_subject("credit_event_one_subject"),
            # One record per source fact and subject: a retried call cannot duplicate it.
            models.UniqueConstraint(
                fields=["source_ref", "kind", "enterprise"],
                condition=~Q(source_ref="") & Q(enterprise__isnull=False),
                name="credit_event_unique_source_enterprise",
            ),
            models.UniqueConstraint(
                fields=["source_ref", "kind", "worker"],
                condition=~Q(source_ref="") & Q(worker__isnull=False),
                name="credit_event_unique_source_worker",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "occurred_on"], name="credit_event_ent_date"),
            models.Index(fields=["worker", "occurred_on"], name="credit_event_wrk_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def is_positive(self) -> bool:
        return self.kind in POSITIVE_KINDS

    @property
    def is_negative(self) -> bool:
        return self.kind not in POSITIVE_KINDS and self.kind not in NEUTRAL_KINDS
