"""Redemptions: a resident's use of incentive measures at an enterprise."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from registry.models import Enterprise, ServiceCategory, Worker

from .catalogue import IncentiveMeasure
from .residents import Resident, SpecialGroup


class RedemptionQuerySet(models.QuerySet):
    def counting(self):
        return self.filter(status=Redemption.Status.RECORDED)


class Redemption(models.Model):
    """A service order on which an enterprise gave a resident one or more benefits."""

    class Status(models.TextChoices):
        RECORDED = "recorded", "有效"
        CANCELLED = "cancelled", "已作废"

    resident = models.ForeignKey(
        Resident, verbose_name="居民", on_delete=models.PROTECT, related_name="redemptions"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="服务企业", on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name="服务人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name="服务项目", on_delete=models.PROTECT, related_name="+"
    )
    served_on = models.DateField("服务日期", db_index=True)
    order_amount = models.DecimalField("订单金额（元）", max_digits=10, decimal_places=2)
    discount_percent = models.DecimalField("优惠比例（%）", max_digits=5, decimal_places=2)
    discount_amount = models.DecimalField("优惠金额（元）", max_digits=10, decimal_places=2)
    paid_amount = models.DecimalField("实付金额（元）", max_digits=10, decimal_places=2)
    explanation = models.JSONField("优惠计算说明", default=list, blank=True)
    special_groups = models.ManyToManyField(
        SpecialGroup,
        verbose_name="居民所属特殊群体",
        blank=True,
        related_name="+",
        help_text="核销时居民有效的特殊群体认定（留存，供统计和审计）。",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RECORDED, db_index=True
    )
    sms_confirmed = models.BooleanField("短信验证码确认", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True)
    cancel_reason = models.CharField("作废原因", max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["explanation"])

    objects = RedemptionQuerySet.as_manager()

    class Meta:
        verbose_name = "优惠核销记录"
        verbose_name_plural = "优惠核销记录"
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(order_amount__gt=0)
                & Q(discount_amount__gte=0)
                & Q(discount_amount__lte=F("order_amount"))
                & Q(paid_amount=F("order_amount") - F("discount_amount")),
                name="incentives_redemption_amounts",
                violation_error_message="订单金额须大于0，优惠金额不能超过订单金额。",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "served_on"], name="incentives_redemption_ent"),
            models.Index(fields=["resident", "served_on"], name="incentives_redemption_res"),
        ]

    def __str__(self) -> str:
        return f"{self.served_on} {self.resident.name} @ {self.enterprise.name}"


class RedemptionItem(models.Model):
    """One measure used on a redemption, with its share of the discount."""

    redemption = models.ForeignKey(
        Redemption, verbose_name="核销记录", on_delete=models.CASCADE, related_name="items"
    )
    measure = models.ForeignKey(
        IncentiveMeasure, verbose_name="激励措施", on_delete=models.PROTECT, related_name="+"
    )
    special_group = models.ForeignKey(
        SpecialGroup,
        verbose_name="依据的特殊群体",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    discount_percent = models.DecimalField("优惠比例（%）", max_digits=5, decimal_places=2)
    discount_amount = models.DecimalField("优惠金额（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "核销措施"
        verbose_name_plural = "核销措施"
        ordering = ["measure__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["redemption", "measure"], name="incentives_item_once_per_redemption"
            ),
        ]

    def __str__(self) -> str:
        return str(self.measure)
