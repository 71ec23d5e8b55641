"""The subjects of the registers: townships, enterprises, workers and their employment."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import ImageUploadField, validate_image_upload
from core.validators import validate_phone, validate_uscc

ETHNICITIES = [
    "汉族", "藏族", "回族", "蒙古族", "土族", "东乡族", "保安族", "撒拉族", "裕固族", "满族",
    "维吾尔族", "哈萨克族", "壮族", "彝族", "苗族", "土家族", "羌族", "其他",
]  # fmt: skip
ETHNICITY_CHOICES = [(name, name) for name in ETHNICITIES]


class Township(models.Model):
    """A township (乡镇) of 舟曲县; enterprises, residents and complaints are filed by it."""

    class Kind(models.TextChoices):
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")

    name = models.CharField("名称", max_length=20, unique=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "乡镇"
        verbose_name_plural = "乡镇"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Validity(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已过期")
    MISSING = "missing", _("缺失")


def validity_for(valid_to, today=None) -> str:
    """Validity of one document on `today`; no end date means valid indefinitely (长期)."""
    today = today or timezone.localdate()
    if valid_to is None:
        return Validity.VALID
    if valid_to < today:
        return Validity.EXPIRED
    if valid_to <= today + timedelta(days=settings.DOCUMENT_EXPIRY_WARNING_DAYS):
        return Validity.EXPIRING
    return Validity.VALID


class DossierFields(models.Model):
    """Columns that the periodic refresh maintains on both kinds of subject."""

    document_status = models.CharField(
        "证件状态",
        max_length=10,
        choices=Validity.choices,
        default=Validity.MISSING,
        db_index=True,
    )
    completeness = models.PositiveSmallIntegerField("档案完整度（%）", default=0)
    missing_mask = models.PositiveIntegerField("缺失项", default=0, editable=False)
    last_confirmed_at = models.DateTimeField("最近核实时间", null=True, blank=True)
    is_stale = models.BooleanField("超过12个月未核实", default=False, db_index=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class EnterpriseQuerySet(models.QuerySet):
    def active(self):
        return self.filter(business_status=Enterprise.BusinessStatus.OPERATING)

    def employing(self, worker):
        """Enterprises `worker` currently works for."""
        return self.filter(current_employment("employments__"), employments__worker=worker)


class Enterprise(DossierFields):
    class Kind(models.TextChoices):
        COMPANY = "company", _("家政企业")
        SOLE_TRADER = "sole", _("个体工商户")
        COOPERATIVE = "coop", _("合作社/其他组织")

    class BusinessStatus(models.TextChoices):
        OPERATING = "operating", _("在业")
        SUSPENDED = "suspended", _("歇业")
        DEREGISTERED = "deregistered", _("注销")
        REVOKED = "revoked", _("吊销")

    name = models.CharField("名称", max_length=100, db_index=True)
    kind = models.CharField("主体类型", max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    uscc = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc]
    )
    legal_representative = models.CharField("法定代表人/经营者", max_length=50)
    registered_address = models.CharField("注册地址", max_length=200, blank=True)
    business_address = models.CharField("经营地址", max_length=200, blank=True)
    township = models.ForeignKey(
        Township, verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="enterprises"
    )
    phone = models.CharField("联系电话", max_length=20, validators=[validate_phone])
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True, help_text="证照到期提醒发送到此邮箱。")
    established_on = models.DateField("成立日期", null=True, blank=True)
    business_status = models.CharField(
        "经营状态",
        max_length=15,
        choices=BusinessStatus.choices,
        default=BusinessStatus.OPERATING,
        db_index=True,
    )
    business_scope = models.TextField("经营范围", blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "missing_mask"])

    objects = EnterpriseQuerySet.as_manager()

    # Terms of one or two characters search these through their character-pair index
    # (core.search, registry migration 0015): a trigram index needs three characters.
    short_search_fields = ("name", "legal_representative")

    class Meta:
        verbose_name = "家政企业"
        verbose_name_plural = "家政企业"
        ordering = ["name"]
        constraints = [
            # The admin's and the forms' case-insensitive look-ups of a code (UPPER(uscc))
            # use this index; it also keeps "91…a" and "91…A" from being two enterprises.
            models.UniqueConstraint(Upper("uscc"), name="registry_enterprise_uscc_upper_uniq"),
        ]
        # The dashboard's registers and 摸排 figures count every subject by township and
        # complete dossier from this index alone (an index-only scan), not the wide rows.
        indexes = [
            models.Index(fields=["township", "completeness"], name="registry_ent_town_complete")
        ]

    def __str__(self) -> str:
        return self.name


# The one rule of a current employment: it has not ended. Raw SQL (the rating engine) uses
# CURRENT_EMPLOYMENT_SQL on the employment table's alias.
CURRENT_EMPLOYMENT_SQL = "{alias}.ended_on IS NULL"


def current_employment(via: str = "") -> Q:
    """The condition "a current employment", reached from another model through `via`
    (e.g. "employments__" from a worker or an enterprise, "employment__" from a card).

    Combine it with the other conditions on the same employment in ONE filter() call, so
    that a multi-valued relation uses one join: `filter(current_employment("employments__"),
    employments__enterprise=enterprise)`."""
    return Q(**{f"{via}ended_on__isnull": True})


class WorkerQuerySet(models.QuerySet):
    def currently_employed(self, enterprise=None):
        """Workers with a current employment (at `enterprise` when given)."""
        at = {"employments__enterprise": enterprise} if enterprise is not None else {}
        return self.filter(current_employment("employments__"), **at).distinct()


class Worker(DossierFields):
    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Education(models.TextChoices):
        PRIMARY = "primary", "小学及以下"
        JUNIOR = "junior", "初中"
        SENIOR = "senior", "高中/中专"
        COLLEGE = "college", "大专"
        BACHELOR = "bachelor", "本科及以上"

    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, editable=False)
    ethnicity = models.CharField("民族", max_length=10, choices=ETHNICITY_CHOICES, default="汉族")
    # The ID number itself is never stored in plain text (see core.personal_data).
    id_number_encrypted = models.TextField("身份证号（密文）", editable=False)
    id_number_hash = models.CharField("身份证号索引", max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField("身份证号", max_length=18, editable=False)
    id_last4 = models.CharField("身份证后四位", max_length=4, db_index=True, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    # The mobile number too is protected (core.personal_data.phone_protect).
    phone_encrypted = models.TextField("手机号码（密文）", blank=True, editable=False)
    phone_hash = models.CharField(
        "手机号码索引", max_length=64, blank=True, db_index=True, editable=False
    )
    phone_masked = models.CharField("手机号码", max_length=11, blank=True, editable=False)
    township = models.ForeignKey(
        Township,
        verbose_name="居住乡镇",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
    )
    address = models.CharField("现住址", max_length=200, blank=True)
    education = models.CharField("文化程度", max_length=10, choices=Education.choices, blank=True)
    photo = ImageUploadField(
        "照片", upload_to="workers/photos/%Y/", blank=True, validators=[validate_image_upload]
    )
    # History keeps the masked numbers; the ciphertexts and hashes add nothing an auditor reads.
    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "missing_mask",
            "id_number_encrypted",
            "id_number_hash",
            "phone_encrypted",
            "phone_hash",
        ]
    )

    objects = WorkerQuerySet.as_manager()

    # A name of one or two characters (王芳) is searched through its index (see Enterprise).
    short_search_fields = ("name",)

    class Meta:
        verbose_name = "从业人员"
        verbose_name_plural = "从业人员"
        ordering = ["name", "id"]
        # The dashboard's registers and 摸排 figures count every subject by township and
        # complete dossier from this index alone (an index-only scan), not the wide rows.
        indexes = [
            models.Index(fields=["township", "completeness"], name="registry_worker_town_complete")
        ]
        permissions = [
            ("reveal_id_number", "查看完整身份证号"),
            ("reveal_mobile", "查看完整手机号码"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"


class EmploymentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(current_employment())

    def former(self):
        return self.exclude(current_employment())

    def on(self, day):
        """Employments that covered `day` (started by then, not ended before it)."""
        return self.filter(started_on__lte=day).filter(current_employment() | Q(ended_on__gte=day))


class Employment(models.Model):
    worker = models.ForeignKey(
        Worker, verbose_name="从业人员", on_delete=models.CASCADE, related_name="employments"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="employments"
    )
    position = models.CharField("岗位", max_length=50, blank=True)
    started_on = models.DateField("入职日期")
    ended_on = models.DateField("离职日期", null=True, blank=True)
    end_reason = models.CharField("离职原因", max_length=200, blank=True)
    history = HistoricalRecords()

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = "从业经历"
        verbose_name_plural = "从业经历"
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "enterprise"],
                condition=current_employment(),
                name="registry_one_open_employment_per_enterprise",
                violation_error_message="该人员在此企业已有在职记录，请先办理离职。",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="registry_employment_ends_after_start",
                violation_error_message="离职日期不能早于入职日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker.name} @ {self.enterprise.name}"

    @property
    def is_current(self) -> bool:
        """The Python twin of `current_employment()`."""
        return self.ended_on is None
