"""守信激励: the catalogue of measures, residents and special groups, the dishonesty list,
enterprises' participation, redemptions, and support and training applications.

Who qualifies for what is decided in one place, `incentives.services.eligibility`; the
models hold data and the constraints the database can keep.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.files import validate_upload
from core.outbox import OutboxMessage
from credit.models import Grade
from registry.models import Enterprise, ServiceCategory, Township, Worker

PERCENT = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))]


class Audience(models.TextChoices):
    RESIDENT = "resident", "居民"
    ENTERPRISE = "enterprise", "家政企业"
    WORKER = "worker", "从业人员"


class BenefitKind(models.TextChoices):
    DISCOUNT = "discount", "家政服务优惠"
    PRIORITY_BOOKING = "priority_booking", "优先预约、优先派单"
    FREE_CONSULTATION = "free_consultation", "免费家政咨询"
    TRAINING_PLACE = "training_place", "技能培训名额优先"
    SUPPORT_PRIORITY = "support_priority", "扶持政策、评优推荐优先"
    FREE_PUBLICITY = "free_publicity", "官方渠道免费宣传"


class LimitPeriod(models.TextChoices):
    DAY = "day", "每天"
    WEEK = "week", "每周"
    MONTH = "month", "每月"
    YEAR = "year", "每年"
    VALIDITY = "validity", "有效期内"


# --- Special groups and residents ------------------------------------------------------------


class SpecialGroup(models.Model):
    """A group of residents the county looks after (特殊群体), with its extra benefit."""

    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    description = models.TextField("认定说明", blank=True, help_text="需要什么证明、由谁认定。")
    extra_discount_percent = models.DecimalField(
        "额外优惠（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text="在守信优惠之外叠加的额外优惠比例，如10表示再优惠10%。",
    )
    extra_benefit = models.CharField(
        "其他额外权益", max_length=200, blank=True, help_text="如“免收上门费，优先安排服务”。"
    )
    min_age = models.PositiveSmallIntegerField(
        "按年龄自动认定（周岁）",
        null=True,
        blank=True,
        help_text="填写后，年满此年龄的居民按身份证上的出生日期自动认定，无需另交证明。",
    )
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "特殊群体"
        verbose_name_plural = "特殊群体"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Resident(models.Model):
    class CreditStatus(models.TextChoices):
        GOOD = "good", "信用良好"
        DISHONEST = "dishonest", "列入失信名单"

    class Source(models.TextChoices):
        STAFF = "staff", "工作人员登记"
        ENTERPRISE = "enterprise", "企业首次核销时登记"

    name = models.CharField("姓名", max_length=50, db_index=True)
    # The mobile number is protected (core.personal_data.phone_protect); residents are
    # found by its hash plus the last four characters of their ID number.
    mobile_encrypted = models.TextField("手机号码（密文）", editable=False)
    mobile_hash = models.CharField("手机号码索引", max_length=64, editable=False)
    mobile_masked = models.CharField("手机号码", max_length=11, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Worker.Gender.choices, editable=False)
    # The ID number itself is never stored in plain text (see core.personal_data).
    id_number_encrypted = models.TextField("身份证号（密文）", editable=False)
    id_number_hash = models.CharField("身份证号索引", max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField("身份证号", max_length=18, editable=False)
    id_last4 = models.CharField("身份证后四位", max_length=4, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    township = models.ForeignKey(
        Township, verbose_name="居住乡镇", on_delete=models.PROTECT, related_name="residents"
    )
    address = models.CharField("住址", max_length=200, blank=True)
    credit_status = models.CharField(
        "信用状况",
        max_length=10,
        choices=CreditStatus.choices,
        default=CreditStatus.GOOD,
        db_index=True,
        editable=False,
    )
    credit_checked_on = models.DateField("信用核查日期", null=True, blank=True, editable=False)
    credit_note = models.CharField("信用状况说明", max_length=200, blank=True, editable=False)
    source = models.CharField(
        "登记方式", max_length=10, choices=Source.choices, default=Source.STAFF, editable=False
    )
    registered_by_enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="登记企业",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    verified_at = models.DateTimeField("核实时间", null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核实人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords(
        excluded_fields=[
            "id_number_encrypted",
            "id_number_hash",
            "mobile_encrypted",
            "mobile_hash",
        ]
    )

    class Meta:
        verbose_name = "居民"
        verbose_name_plural = "居民"
        ordering = ["name", "id"]
        constraints = [
            # Residents identify themselves at the enterprise by mobile + the last four
            # characters of their ID number: that pair must name one person.
            models.UniqueConstraint(
                fields=["mobile_hash", "id_last4"],
                name="incentives_resident_mobile_last4",
                violation_error_message="已有居民使用此手机号且身份证后四位相同，请换一个联系手机。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def age_on(self, day) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class GroupMembership(models.Model):
    """A resident's membership of a special group, with its proof and validity."""

    resident = models.ForeignKey(
        Resident, verbose_name="居民", on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(
        SpecialGroup, verbose_name="特殊群体", on_delete=models.PROTECT, related_name="memberships"
    )
    proof_number = models.CharField(
        "证明编号", max_length=60, blank=True, help_text="如残疾人证号、低保证号、优待证号。"
    )
    proof = models.FileField(
        "证明材料", upload_to="residents/proofs/%Y/", blank=True, validators=[validate_upload]
    )
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True, help_text="长期有效请留空。")
    verified_at = models.DateTimeField("核实时间", null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核实人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "特殊群体认定"
        verbose_name_plural = "特殊群体认定"
        ordering = ["group__sort_order", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "group"],
                name="incentives_one_membership_per_group",
                violation_error_message="该居民已有此特殊群体认定，请在原认定上更新有效期。",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="incentives_membership_period",
                violation_error_message="有效期止不能早于有效期起。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name}：{self.group.name}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


# --- The dishonesty list -----------------------------------------------------------------------


class DishonestyListImport(models.Model):
    """One import of a dishonesty list (e.g. 失信被执行人名单 from the court). The list of a
    source is a snapshot: importing it again replaces that source's earlier entries."""

    source = models.CharField(
        "名单来源", max_length=100, help_text="如“舟曲县人民法院失信被执行人名单”。"
    )
    list_date = models.DateField("名单日期", help_text="名单出具或下载的日期。")
    original_name = models.CharField("原文件名", max_length=200)
    import_digest = models.CharField("文件摘要", max_length=64, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    entry_count = models.PositiveIntegerField("名单人数", default=0)
    matched_count = models.PositiveIntegerField("匹配到的登记居民", default=0)

    class Meta:
        verbose_name = "失信名单导入"
        verbose_name_plural = "失信名单导入"
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.source}（{self.list_date}）"


class DishonestyEntry(models.Model):
    """One person on an imported list. Only the keyed hash, the masked number and the name
    are kept: the bureau needs to match registered residents, not to hold the court's list."""

    list_import = models.ForeignKey(
        DishonestyListImport,
        verbose_name="导入批次",
        on_delete=models.PROTECT,
        related_name="entries",
    )
    source = models.CharField("名单来源", max_length=100, db_index=True)
    name = models.CharField("姓名", max_length=50)
    id_number_hash = models.CharField("身份证号索引", max_length=64, db_index=True)
    id_number_masked = models.CharField("身份证号", max_length=18)
    case_number = models.CharField("案号", max_length=100, blank=True)
    authority = models.CharField("执行法院/认定机关", max_length=100, blank=True)
    listed_on = models.DateField("列入日期", null=True, blank=True)
    is_active = models.BooleanField("有效", default=True, db_index=True)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)
    removal_reason = models.CharField("移除原因", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "失信名单人员"
        verbose_name_plural = "失信名单人员"
        ordering = ["-list_import__imported_at", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"


# --- The catalogue -----------------------------------------------------------------------------


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
            return "不限次数"
        return f"{LimitPeriod(self.limit_period).label}限{self.limit_count}次"


class Participation(models.Model):
    """An enterprise taking part in a resident measure (it gives the benefit)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "参与中"
        WITHDRAWN = "withdrawn", "已退出"

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


# --- SMS codes ---------------------------------------------------------------------------------


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


# --- Redemptions -------------------------------------------------------------------------------


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


# --- Support and training applications ---------------------------------------------------------


class ProgrammeKind(models.TextChoices):
    SUPPORT = "support", "扶持申报"
    AWARD = "award", "评优推荐"
    TRAINING = "training", "培训名额"


class SupportProgramme(models.Model):
    """A call for applications: a support fund, an award, a training class."""

    kind = models.CharField("类别", max_length=10, choices=ProgrammeKind.choices)
    title = models.CharField("项目名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    description = models.TextField("项目说明", blank=True)
    measure = models.ForeignKey(
        IncentiveMeasure,
        verbose_name="依据的激励措施",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        limit_choices_to={"audience": Audience.ENTERPRISE},
        help_text="入选按此措施的条件优先；不选时按A级及以上、未列入重点管理名单掌握。",
    )
    quota = models.PositiveSmallIntegerField(
        "名额", null=True, blank=True, help_text="入选企业数（培训为人数）；留空表示不限。"
    )
    opens_on = models.DateField("申报开始")
    closes_on = models.DateField("申报截止")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "扶持与培训项目"
        verbose_name_plural = "扶持与培训项目"
        ordering = ["-year", "-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="incentives_programme_period",
                violation_error_message="申报截止日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.title}"

    def open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class SupportApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已入选"
        REJECTED = "rejected", "未入选"
        WITHDRAWN = "withdrawn", "已撤回"

    programme = models.ForeignKey(
        SupportProgramme,
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="申报企业", on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField("申报说明")
    places = models.PositiveSmallIntegerField(
        "申请名额", default=1, validators=[MinValueValidator(1)], help_text="培训项目填写参训人数。"
    )
    trainees = models.ManyToManyField(Worker, verbose_name="参训人员", blank=True, related_name="+")
    contact_person = models.CharField("联系人", max_length=50)
    # Often the contact's own mobile: protected (core.personal_data.phone_protect).
    contact_phone_encrypted = models.TextField("联系电话（密文）", editable=False)
    contact_phone_hash = models.CharField("联系电话索引", max_length=64, editable=False)
    contact_phone_masked = models.CharField("联系电话", max_length=12, editable=False)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.CharField("决定说明", max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["contact_phone_encrypted", "contact_phone_hash"])

    class Meta:
        verbose_name = "扶持与培训申报"
        verbose_name_plural = "扶持与培训申报"
        ordering = ["programme", "-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "enterprise"],
                condition=~Q(status="withdrawn"),
                name="incentives_one_application_per_programme",
                violation_error_message="该企业已申报此项目。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.programme}"
