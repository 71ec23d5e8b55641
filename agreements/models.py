"""Standard service agreements (标准化服务约定): the bureau's versioned agreement templates
and the agreements enterprises issue to their customers from them.

A template version, once published, is never edited: a new version is a new row, and an
agreement keeps a snapshot of the clauses of the version it was issued with. The customer's
mobile number is protected like every personal mobile (core.personal_data): encrypted, a
keyed hash for the public verification, masked wherever it is shown.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.models import Enterprise, ServiceCategory, Township, Worker


class AgreementTemplate(models.Model):
    """One published version of the agreement template (服务约定范本) of a service item, or
    the general template (no service item) used for items that have none of their own."""

    category = models.ForeignKey(
        ServiceCategory,
        verbose_name="服务项目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="留空为通用范本，用于没有专用范本的服务项目。",
    )
    version = models.PositiveSmallIntegerField("版本号", editable=False)
    title = models.CharField("范本名称", max_length=100)
    # [{"heading": "...", "text": "..."}, ...] in the order printed.
    clauses = models.JSONField("条款", default=list)
    published_at = models.DateTimeField("发布时间", default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务约定范本"
        verbose_name_plural = "服务约定范本"
        ordering = ["category__sort_order", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "version"],
                name="agreements_one_version_per_category",
                violation_error_message="该服务项目已有此版本号的范本。",
            ),
            # NULLs are distinct in a unique constraint: the general template has its own.
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(category__isnull=True),
                name="agreements_one_general_version",
                violation_error_message="通用范本已有此版本号。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class AgreementQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=ServiceAgreement.Status.CONFIRMED)

    def issued_between(self, first, last):
        """Agreements issued on the local days `first` to `last` inclusive."""
        return self.filter(issued_on__gte=first, issued_on__lte=last)


class ServiceAgreement(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", "待客户确认"
        CONFIRMED = "confirmed", "已确认"
        CANCELLED = "cancelled", "已作废"

    class Confirmation(models.TextChoices):
        SMS = "sms", "短信验证码确认"
        PAPER = "paper", "纸质签字"

    number = models.CharField("约定编号", max_length=20, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="家政企业", on_delete=models.PROTECT, related_name="agreements"
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name="服务人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    customer_name = models.CharField("客户姓名", max_length=50)
    customer_mobile_encrypted = models.TextField("客户手机号码（密文）", editable=False)
    customer_mobile_hash = models.CharField(
        "客户手机号码索引", max_length=64, db_index=True, editable=False
    )
    customer_mobile_masked = models.CharField("客户手机号码", max_length=11, editable=False)
    township = models.ForeignKey(
        Township, verbose_name="服务地点所在乡镇", on_delete=models.PROTECT, related_name="+"
    )
    service_address = models.CharField("服务地址", max_length=200)
    starts_on = models.DateField("服务开始日期")
    ends_on = models.DateField("服务结束日期")
    note = models.CharField("其他约定", max_length=500, blank=True)
    total = models.DecimalField("合计金额（元）", max_digits=11, decimal_places=2, default=0)
    template = models.ForeignKey(
        AgreementTemplate,
        verbose_name="所用范本",
        on_delete=models.PROTECT,
        related_name="agreements",
        editable=False,
    )
    template_version = models.PositiveSmallIntegerField("范本版本", editable=False)
    template_title = models.CharField("范本名称", max_length=100, editable=False)
    clauses = models.JSONField("条款（出具时的文本）", default=list, editable=False)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=Status.choices,
        default=Status.ISSUED,
        editable=False,
        db_index=True,
    )
    issued_at = models.DateTimeField("出具时间", default=timezone.now, editable=False)
    issued_on = models.DateField("出具日期", default=timezone.localdate, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="出具人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    confirmation = models.CharField(
        "确认方式", max_length=5, choices=Confirmation.choices, blank=True, editable=False
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="纸质签字登记人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    paper_signed_on = models.DateField("纸质签字日期", null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True, editable=False)
    cancel_reason = models.CharField("作废原因", max_length=200, blank=True, editable=False)

    objects = AgreementQuerySet.as_manager()
    # History keeps the masked number; the ciphertext and the hash add nothing an auditor reads.
    history = HistoricalRecords(
        excluded_fields=["customer_mobile_encrypted", "customer_mobile_hash"]
    )

    class Meta:
        verbose_name = "标准化服务约定"
        verbose_name_plural = "标准化服务约定"
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="agreements_ends_after_start",
                violation_error_message="服务结束日期不能早于开始日期。",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "issued_on"], name="agreement_ent_day_idx")]

    def __str__(self) -> str:
        return self.number


class AgreementItem(models.Model):
    """One service item of an agreement, with the prices it was agreed against."""

    agreement = models.ForeignKey(
        ServiceAgreement, verbose_name="服务约定", on_delete=models.CASCADE, related_name="items"
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name="服务项目", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.CharField("计价单位", max_length=10)
    quantity = models.DecimalField("数量", max_digits=7, decimal_places=2)
    unit_price = models.DecimalField("约定单价（元）", max_digits=9, decimal_places=2)
    published_price = models.DecimalField("企业公示价（元）", max_digits=9, decimal_places=2)
    guide_price_min = models.DecimalField("指导价下限", max_digits=9, decimal_places=2)
    guide_price_max = models.DecimalField("指导价上限", max_digits=9, decimal_places=2)
    above_published_reason = models.CharField("高于公示价的理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "服务约定项目"
        verbose_name_plural = "服务约定项目"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(unit_price__gte=0),
                name="agreements_item_positive",
                violation_error_message="数量须大于0，单价不能为负。",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__lte=F("published_price")) | ~Q(above_published_reason=""),
                name="agreements_above_published_has_reason",
                violation_error_message="约定单价高于企业公示价格时，须写明理由。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.name} {self.quantity}×{self.unit_price}"

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))

    @property
    def outside_guide(self) -> bool:
        return not (self.guide_price_min <= self.unit_price <= self.guide_price_max)
