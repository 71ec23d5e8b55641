"""Service reviews (服务评价): residents rate a completed service by a worker and/or an
enterprise. A published review becomes credit records (客户口碑) of each subject it names
(`reviews.services`); the resident's mobile number is kept only as a keyed hash and masked.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from registry.models import Enterprise, ServiceCategory, Worker


class ServiceReview(models.Model):
    """A resident's rating of a completed service (服务评价). A published review is recorded
    in the credit file of the worker and/or enterprise (客户口碑); hiding it revokes that."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "已采纳"
        HIDDEN = "hidden", "已屏蔽"

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="家政企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name="从业人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    # The standard service agreement the reviewer named (the exact service reviewed).
    service_agreement = models.ForeignKey(
        "agreements.ServiceAgreement",
        verbose_name="服务约定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    service_date = models.DateField("服务日期")
    service_category = models.ForeignKey(
        ServiceCategory,
        verbose_name="服务类别",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quality = models.PositiveSmallIntegerField(
        "服务质量", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    punctuality = models.PositiveSmallIntegerField(
        "准时守约", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    attitude = models.PositiveSmallIntegerField(
        "服务态度", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField("评价内容", blank=True)
    reviewer_name = models.CharField("评价人称呼", max_length=50, blank=True)
    phone_hash = models.CharField("手机号码索引", max_length=64, editable=False, db_index=True)
    phone_masked = models.CharField("手机号码", max_length=11, editable=False)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=Status.choices,
        default=Status.PUBLISHED,
        editable=False,
        db_index=True,
    )
    # A review of a real service (已核实服务) is what counts in the credit file; the proof is
    # found by `core.service_proofs` when the review is submitted. Reviews from before the
    # check existed keep their records and are marked "legacy".
    verified = models.BooleanField("已核实服务", default=False, editable=False, db_index=True)
    proof_kind = models.CharField("核实依据", max_length=20, blank=True, editable=False)
    proof_ref = models.CharField("核实凭据", max_length=100, blank=True, editable=False)
    hidden_reason = models.CharField("屏蔽原因", max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField("评价时间", auto_now_add=True, db_index=True)

    # The tables keep the names they had when reviews lived in `complaints`.
    history = HistoricalRecords(
        excluded_fields=["phone_hash"], table_name="complaints_historicalservicereview"
    )

    class Meta:
        db_table = "complaints_servicereview"
        verbose_name = "服务评价"
        verbose_name_plural = "服务评价"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | Q(worker__isnull=False),
                name="review_names_a_subject",
                violation_error_message="请选择被评价的从业人员或企业。",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
                    name=f"review_{field}_1_to_5",
                )
                for field in ("quality", "punctuality", "attitude")
            ),
        ]
        indexes = [
            models.Index(fields=["phone_hash", "worker", "created_at"], name="review_limit_idx")
        ]

    def __str__(self) -> str:
        subject = self.worker or self.enterprise
        return f"{subject} {self.service_date:%Y-%m-%d}"

    @property
    def counts_in_credit(self) -> bool:
        return self.verified and self.status == self.Status.PUBLISHED

    @property
    def average(self):
        total = Decimal(self.quality + self.punctuality + self.attitude) / 3
        return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
