"""The catalogue of incentive measures (守信激励措施) and enterprises' participation in them."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from credit.models import Grade
from registry.models import Enterprise, ServiceCategory

from .residents import PERCENT, Audience, BenefitKind, LimitPeriod, SpecialGroup


class IncentiveMeasureQuerySet(models.QuerySet):
    def in_force(self, day=None):
        day = day or timezone.localdate()
        return self.filter(is_active=True, valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class IncentiveMeasure(models.Model):
    code = models.SlugField("编码", max_length=40, unique=True)
    title = models.CharField("措施名称", max_length=100)
    description = models.TextField(
        "通俗说明", help_text="面向居民和企业的大白话说明：谁能享受、怎么用。"
    )
    audience = models.CharField("面向对象", max_length=10, choices=Audience.choices)
    benefit_kind = models.CharField("激励方式", max_length=20, choices=BenefitKind.choices)
    discount_percent = models.DecimalField(
        "优惠比例（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text="仅“家政服务优惠”填写，如10表示优惠10%（九折）。限特殊群体的优惠可留空，"
        "按居民所属特殊群体的额外优惠比例（取最高一项）计算。",
    )
    value_note = models.CharField(
        "权益内容",
        max_length=200,
        blank=True,
        help_text="非折扣类权益的具体内容，如“每年1次免费上门咨询”。",
    )
    min_grade = models.CharField(
        "企业最低信用等级",
        max_length=3,
        choices=[c for c in Grade.choices if c[0] in (Grade.AAA, Grade.AA, Grade.A)],
        default=Grade.A,
        help_text="面向居民的措施：提供优惠的企业须达到此等级；面向企业或从业人员的措施："
        "享受者本身须达到此等级。B级（诚信警示）和列入重点管理名单的主体一律不能参加。",
    )
    special_groups = models.ManyToManyField(
        SpecialGroup,
        verbose_name="限特殊群体",
        blank=True,
        related_name="measures",
        help_text="留空表示所有信用良好的居民都可享受；选择后，须属于其中任一群体。",
    )
    categories = models.ManyToManyField(
        ServiceCategory,
        verbose_name="适用服务项目",
        blank=True,
        related_name="+",
        help_text="留空表示适用于所有服务项目。",
    )
    stackable = models.BooleanField(
        "可与其他优惠叠加",
        default=True,
        help_text="不可叠加的优惠只能单独使用：与其他优惠同时符合时，按优惠力度大的一种计算。",
    )
    stack_cap_percent = models.DecimalField(
        "叠加优惠上限（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text="与其他优惠叠加时，合计优惠比例不超过此数；多项措施都有上限时取最低的。",
    )
    limit_count = models.PositiveSmallIntegerField(
        "限用次数",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="每位居民在一个周期内最多使用几次；留空表示不限次数。",
    )
    limit_period = models.CharField(
        "限用周期", max_length=10, choices=LimitPeriod.choices, default=LimitPeriod.MONTH
    )
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True, help_text="长期有效请留空。")
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = IncentiveMeasureQuerySet.as_manager()

    class Meta:
        verbose_name = "激励措施"
        verbose_name_plural = "激励措施"
        ordering = ["audience", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="incentives_measure_period",
                violation_error_message="有效期止不能早于有效期起。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.benefit_kind == BenefitKind.DISCOUNT:
            if self.audience != Audience.RESIDENT:
                errors["benefit_kind"] = "家政服务优惠只面向居民。"
        elif self.discount_percent is not None:
            errors["discount_percent"] = "只有“家政服务优惠”才填写优惠比例。"
        if (
            self.stack_cap_percent is not None
            and self.discount_percent is not None
            and self.stack_cap_percent < self.discount_percent
        ):
            errors["stack_cap_percent"] = "叠加优惠上限不能低于本措施自身的优惠比例。"
        if errors:
            raise ValidationError(errors)

    @property
    def is_discount(self) -> bool:
        return self.benefit_kind == BenefitKind.DISCOUNT

    @property
    def offered_by_enterprises(self) -> bool:
        """Resident measures are given by the enterprises that opt in."""
        return self.audience == Audience.RESIDENT

    def in_force_on(self, day) -> bool:
        return (
            self.is_active
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )

    @property
    def limit_text(self) -> str:
        if not self.limit_count:
            return gettext("不限次数")
        return gettext("%(period)s限%(n)s次") % {
            "period": LimitPeriod(self.limit_period).label,
            "n": self.limit_count,
        }


class Participation(models.Model):
    """An enterprise taking part in a resident measure (it gives the benefit)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("参与中")
        WITHDRAWN = "withdrawn", _("已退出")

    measure = models.ForeignKey(
        IncentiveMeasure,
        verbose_name="激励措施",
        on_delete=models.CASCADE,
        related_name="participations",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    joined_at = models.DateTimeField("参与时间")
    withdrawn_at = models.DateTimeField("退出时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    townships = models.ManyToManyField(
        "registry.Township",
        verbose_name="接单乡镇",
        blank=True,
        related_name="+",
        help_text="预约类措施：企业接受哪些乡镇的预约；留空表示全县。",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "企业参与"
        verbose_name_plural = "企业参与"
        ordering = ["measure", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "enterprise"],
                name="incentives_one_participation",
                violation_error_message="该企业已登记参与此项措施。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.measure}"
