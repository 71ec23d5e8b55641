"""Audiences and benefit kinds; special groups, residents and their group memberships."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import validate_upload
from registry.models import Enterprise, Township, Worker

PERCENT = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))]


class Audience(models.TextChoices):
    RESIDENT = "resident", _("居民")
    ENTERPRISE = "enterprise", _("家政企业")
    WORKER = "worker", _("从业人员")


class BenefitKind(models.TextChoices):
    DISCOUNT = "discount", _("家政服务优惠")
    PRIORITY_BOOKING = "priority_booking", _("优先预约、优先派单")
    FREE_CONSULTATION = "free_consultation", _("免费家政咨询")
    TRAINING_PLACE = "training_place", _("技能培训名额优先")
    SUPPORT_PRIORITY = "support_priority", _("扶持政策、评优推荐优先")
    FREE_PUBLICITY = "free_publicity", _("官方渠道免费宣传")


class LimitPeriod(models.TextChoices):
    DAY = "day", _("每天")
    WEEK = "week", _("每周")
    MONTH = "month", _("每月")
    YEAR = "year", _("每年")
    VALIDITY = "validity", _("有效期内")


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
        GOOD = "good", _("信用良好")
        DISHONEST = "dishonest", _("列入失信名单")

    class Source(models.TextChoices):
        STAFF = "staff", _("工作人员登记")
        ENTERPRISE = "enterprise", _("企业首次核销时登记")
        ONLINE = "online", _("居民网上登记")

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

    # A name of one or two characters (张伟) is searched through its index (core.search,
    # migration 0010, which also indexes the name's trigrams, the masked mobile number and
    # UPPER(id_last4) for the admin's search).
    short_search_fields = ("name",)

    class Meta:
        verbose_name = "居民"
        verbose_name_plural = "居民"
        ordering = ["name", "id"]
        # The admin lists a province's residents in this order, a page at a time.
        indexes = [models.Index(fields=["name", "id"], name="resident_name_id_idx")]
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
    """A resident's membership of a special group, with its proof and validity. Staff enter
    verified ones; an enterprise's entry and a resident's online application wait for staff
    to look at the proof, who verify or reject it (`MEMBERSHIP_MACHINE`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待核实")
        VERIFIED = "verified", _("已核实")
        REJECTED = "rejected", _("未通过")

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
    status = models.CharField(
        "核实状态",
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        editable=False,
    )
    rejection_reason = models.CharField("未通过原因", max_length=200, blank=True, editable=False)
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
        return self.status == self.Status.VERIFIED

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
