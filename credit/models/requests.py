"""What a subject asks of the bureau: objections (信用异议) and credit repair (信用修复)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.files import validate_upload

from .events import CreditEvent
from .ratings import Rating


class Objection(models.Model):
    """信用异议: lodged by the subject during the publicity period."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待处理"
        UPHELD = "upheld", "异议成立"
        REJECTED = "rejected", "异议不成立"

    rating = models.ForeignKey(
        Rating, verbose_name="评价结果", on_delete=models.PROTECT, related_name="objections"
    )
    reasons = models.TextField("异议理由")
    evidence = models.FileField(
        "证明材料", upload_to="credit/objections/%Y/", blank=True, validators=[validate_upload]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Lodged by the worker on their own record (/workers/) rather than from the portal.
    submitted_by_worker = models.ForeignKey(
        "registry.Worker",
        verbose_name="提出人（从业人员本人）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提出时间", auto_now_add=True)
    due_on = models.DateField("办理期限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    decision = models.TextField("处理意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    previous_total = models.DecimalField(
        "原总分", max_digits=5, decimal_places=1, null=True, blank=True
    )
    previous_grade = models.CharField("原等级", max_length=3, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "信用异议"
        verbose_name_plural = "信用异议"
        ordering = ["status", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["rating"],
                condition=Q(status="submitted"),
                name="credit_one_open_objection_per_rating",
                violation_error_message="该评价结果已有待处理的异议。",
            ),
        ]

    def __str__(self) -> str:
        return f"对{self.rating}的异议"


class RepairRequest(models.Model):
    """信用修复: the subject corrected what a negative record is about and asks that it
    stop counting."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "准予修复"
        REJECTED = "rejected", "不予修复"

    event = models.ForeignKey(
        CreditEvent, verbose_name="信用记录", on_delete=models.PROTECT, related_name="repairs"
    )
    reasons = models.TextField("整改情况及理由")
    evidence = models.FileField(
        "整改证明", upload_to="credit/repairs/%Y/", blank=True, validators=[validate_upload]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Asked for by the worker on their own record (/workers/) rather than from the portal.
    submitted_by_worker = models.ForeignKey(
        "registry.Worker",
        verbose_name="申请人（从业人员本人）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("申请时间", auto_now_add=True)
    due_on = models.DateField("办理期限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    decision = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "信用修复申请"
        verbose_name_plural = "信用修复申请"
        ordering = ["status", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status="submitted"),
                name="credit_one_open_repair_per_event",
                violation_error_message="该信用记录已有待审核的修复申请。",
            ),
        ]

    def __str__(self) -> str:
        return f"修复申请：{self.event}"
