"""The registers (台账): enterprises, workers, their employment, documents and prices.

Constraints that protect the ledger live in the database; the workflows that write it live
in `registry.services`. Derived columns (document validity, dossier completeness, stale
flags) are recomputed set-based by `registry.services.refresh` and after every write.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.files import ImageUploadField, validate_image_upload, validate_upload
from core.outbox import OutboxMessage
from core.validators import validate_phone, validate_uscc

ETHNICITIES = [
    "汉族", "藏族", "回族", "蒙古族", "土族", "东乡族", "保安族", "撒拉族", "裕固族", "满族",
    "维吾尔族", "哈萨克族", "壮族", "彝族", "苗族", "土家族", "羌族", "其他",
]  # fmt: skip
ETHNICITY_CHOICES = [(name, name) for name in ETHNICITIES]


class Township(models.Model):
    """A township (乡镇) of 舟曲县; enterprises, residents and complaints are filed by it."""

    class Kind(models.TextChoices):
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"

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
    VALID = "valid", "有效"
    EXPIRING = "expiring", "即将到期"
    EXPIRED = "expired", "已过期"
    MISSING = "missing", "缺失"


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
        COMPANY = "company", "家政企业"
        SOLE_TRADER = "sole", "个体工商户"
        COOPERATIVE = "coop", "合作社/其他组织"

    class BusinessStatus(models.TextChoices):
        OPERATING = "operating", "在业"
        SUSPENDED = "suspended", "歇业"
        DEREGISTERED = "deregistered", "注销"
        REVOKED = "revoked", "吊销"

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

    class Meta:
        verbose_name = "家政企业"
        verbose_name_plural = "家政企业"
        ordering = ["name"]

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

    class Meta:
        verbose_name = "从业人员"
        verbose_name_plural = "从业人员"
        ordering = ["name", "id"]
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


class Document(models.Model):
    """A dated document with a validity period and a scanned copy."""

    number = models.CharField("证件编号", max_length=60, blank=True)
    issuer = models.CharField("发证机构", max_length=100, blank=True)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True, help_text="长期有效请留空。")
    validity = models.CharField(
        "有效状态", max_length=10, choices=Validity.choices, default=Validity.VALID, db_index=True
    )
    verified = models.BooleanField("已核验", default=True)
    expiry_notified_at = models.DateTimeField("到期提醒时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        abstract = True

    @classmethod
    def validity_constraint(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
            name=name,
            violation_error_message="有效期止必须晚于有效期起。",
        )

    def current_validity(self, today=None) -> str:
        return validity_for(self.valid_to, today)


class EnterpriseQualification(Document):
    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "licence", "营业执照"
        HR_SERVICE = "hr_service", "人力资源服务许可证"
        FOOD = "food", "食品经营许可证"
        FILING = "filing", "家政服务机构备案"
        OTHER = "other", "其他资质"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField("证照类型", max_length=15, choices=Kind.choices)
    name = models.CharField("证照名称", max_length=100, blank=True)
    scan = models.FileField(
        "扫描件",
        upload_to="enterprises/qualifications/%Y/",
        blank=True,
        validators=[validate_upload],
    )
    history = HistoricalRecords(excluded_fields=["validity", "expiry_notified_at"])

    class Meta:
        verbose_name = "企业资质证照"
        verbose_name_plural = "企业资质证照"
        ordering = ["kind", "-valid_to"]
        constraints = [Document.validity_constraint("registry_qualification_valid_to_after_from")]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class HealthCertificate(Document):
    worker = models.ForeignKey(
        Worker,
        verbose_name="从业人员",
        on_delete=models.CASCADE,
        related_name="health_certificates",
    )
    scan = models.FileField(
        "扫描件", upload_to="workers/health/%Y/", blank=True, validators=[validate_upload]
    )
    history = HistoricalRecords(excluded_fields=["validity", "expiry_notified_at"])

    class Meta:
        verbose_name = "健康证"
        verbose_name_plural = "健康证"
        ordering = ["-valid_to"]
        constraints = [Document.validity_constraint("registry_health_valid_to_after_from")]
        permissions = [("view_sensitive_records", "查看健康证与无犯罪记录核查")]

    def __str__(self) -> str:
        return f"健康证 {self.number}".strip()


class TrainingRecord(models.Model):
    worker = models.ForeignKey(
        Worker, verbose_name="从业人员", on_delete=models.CASCADE, related_name="trainings"
    )
    course = models.CharField("培训课程", max_length=100)
    provider = models.CharField("培训机构", max_length=100)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    completed_on = models.DateField("结业日期")
    certificate = models.FileField(
        "结业证书", upload_to="workers/training/%Y/", blank=True, validators=[validate_upload]
    )
    verified = models.BooleanField("已核验", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="registry_training_hours_positive",
                violation_error_message="学时必须大于0。",
            ),
        ]

    def __str__(self) -> str:
        return self.course


class BackgroundCheck(models.Model):
    class Result(models.TextChoices):
        PASSED = "passed", "无违法犯罪记录"
        FAILED = "failed", "有违法犯罪记录"
        PENDING = "pending", "核查中"

    worker = models.ForeignKey(
        Worker,
        verbose_name="从业人员",
        on_delete=models.CASCADE,
        related_name="background_checks",
    )
    result = models.CharField("核查结果", max_length=10, choices=Result.choices)
    checked_on = models.DateField("核查日期")
    checked_by = models.CharField("核查单位/经办人", max_length=100)
    certificate_number = models.CharField("证明编号", max_length=60, blank=True)
    note = models.TextField("备注", blank=True)
    scan = models.FileField(
        "证明扫描件", upload_to="workers/background/%Y/", blank=True, validators=[validate_upload]
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "无犯罪记录核查"
        verbose_name_plural = "无犯罪记录核查"
        ordering = ["-checked_on"]

    def __str__(self) -> str:
        return f"{self.get_result_display()}（{self.checked_on}）"


class SkillCertificate(models.Model):
    class Occupation(models.TextChoices):
        HOUSEKEEPER = "housekeeper", "家政服务员"
        INFANT_CARE = "infant", "育婴员"
        ELDER_CARE = "elder", "养老护理员"
        MATERNITY = "maternity", "母婴护理员"
        NURSERY = "nursery", "保育员"
        CHEF = "chef", "中式烹调师"
        PATIENT_CARE = "patient", "医疗护理员"
        OTHER = "other", "其他"

    class Level(models.TextChoices):
        LEVEL5 = "5", "五级/初级工"
        LEVEL4 = "4", "四级/中级工"
        LEVEL3 = "3", "三级/高级工"
        LEVEL2 = "2", "二级/技师"
        LEVEL1 = "1", "一级/高级技师"
        SPECIAL = "special", "专项能力证书"

    worker = models.ForeignKey(
        Worker, verbose_name="从业人员", on_delete=models.CASCADE, related_name="skills"
    )
    occupation = models.CharField("职业（工种）", max_length=15, choices=Occupation.choices)
    level = models.CharField("等级", max_length=10, choices=Level.choices)
    number = models.CharField("证书编号", max_length=60, blank=True)
    issuer = models.CharField("发证机构", max_length=100, blank=True)
    issued_on = models.DateField("发证日期")
    scan = models.FileField(
        "扫描件", upload_to="workers/skills/%Y/", blank=True, validators=[validate_upload]
    )
    verified = models.BooleanField("已核验", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "职业技能等级证书"
        verbose_name_plural = "职业技能等级证书"
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"{self.get_occupation_display()}（{self.get_level_display()}）"


class ServiceCategory(models.Model):
    class Unit(models.TextChoices):
        HOUR = "hour", "元/小时"
        VISIT = "visit", "元/次"
        SQM = "sqm", "元/平方米"
        DAY = "day", "元/天"
        MONTH = "month", "元/月"
        UNIT = "unit", "元/台"
        ORDER = "order", "元/单"

    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("服务项目", max_length=50, unique=True)
    standard_process = models.TextField("标准服务流程")
    commitment = models.TextField("服务承诺")
    unit = models.CharField("计价单位", max_length=10, choices=Unit.choices)
    guide_price_min = models.DecimalField("指导价下限", max_digits=9, decimal_places=2)
    guide_price_max = models.DecimalField("指导价上限", max_digits=9, decimal_places=2)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "标准服务项目"
        verbose_name_plural = "标准服务项目"
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(guide_price_max__gte=F("guide_price_min")) & Q(guide_price_min__gte=0),
                name="registry_guide_price_range",
                violation_error_message="指导价上限不能低于下限，且价格不能为负。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceOffering(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="offerings"
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name="服务项目", on_delete=models.PROTECT, related_name="offerings"
    )
    price = models.DecimalField("收费标准", max_digits=9, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)
    is_active = models.BooleanField("提供中", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "服务项目及价格"
        verbose_name_plural = "服务项目及价格"
        ordering = ["category__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "category"],
                name="registry_one_offering_per_category",
                violation_error_message="该企业已登记此服务项目。",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="registry_offering_price_not_negative",
                violation_error_message="价格不能为负。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.name} {self.price}{self.category.get_unit_display()}"

    @property
    def outside_guide(self) -> bool:
        return not (self.category.guide_price_min <= self.price <= self.category.guide_price_max)


class PersonalDataAccess(models.Model):
    """Every reveal of a protected value (a full ID number), with who, when and why."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="查看人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    subject_label = models.CharField("对象", max_length=100)
    field = models.CharField("字段", max_length=50)
    reason = models.CharField("查看事由", max_length=200)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    accessed_at = models.DateTimeField("查看时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-accessed_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} 查看 {self.subject_label} 的{self.field}"


class DocumentNotice(OutboxMessage):
    """A reminder to an enterprise about documents about to expire; also the outbox row.

    The row is written in the refresh's transaction; delivery happens afterwards in a task
    with retries, and the outbox drain (core.outbox) re-sends rows still pending, so a
    reminder survives a broker or mail-server outage."""

    class Channel(models.TextChoices):
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="notices"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    recipient = models.CharField("接收方", max_length=100)
    subject = models.CharField("标题", max_length=100, blank=True)
    body = models.TextField("内容")

    class Meta:
        verbose_name = "证照到期提醒"
        verbose_name_plural = "证照到期提醒"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} {timezone.localtime(self.created_at):%Y-%m-%d}"


class LedgerImport(models.Model):
    """One upload of a ledger (台账) workbook: its preview, its errors and its progress."""

    class Kind(models.TextChoices):
        ENTERPRISES = "enterprises", "企业台账"
        WORKERS = "workers", "从业人员台账"
        QUALIFICATIONS = "qualifications", "企业资质证照"
        HEALTH_CERTIFICATES = "health", "健康证"
        TRAININGS = "trainings", "培训记录"
        BACKGROUND_CHECKS = "background", "无犯罪记录核查"
        SKILLS = "skills", "职业技能等级证书"

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        VALIDATING = "validating", "校验中"
        INVALID = "invalid", "有错误，未导入"
        PREVIEWED = "previewed", "预检通过，待确认"
        IMPORTING = "importing", "导入中"
        DONE = "done", "导入完成"
        FAILED = "failed", "导入失败"

    kind = models.CharField("台账类型", max_length=20, choices=Kind.choices)
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    preview = models.JSONField("预览", default=list, blank=True)
    message = models.TextField("说明", blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Every status change and progress report moves this on; an import in progress whose
    # clock stopped (its worker was killed) is marked failed by the daily refresh.
    last_progress_at = models.DateTimeField("最近进展", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


# --- The enterprise portal -----------------------------------------------------------------


class ChangeRequest(models.Model):
    """A change an enterprise asks for through the portal (its profile, its prices, a new
    licence). Nothing is applied until staff approve it; the request keeps the field-by-field
    difference (old and new values) that staff review."""

    class Kind(models.TextChoices):
        PROFILE = "profile", "企业信息"
        OFFERINGS = "offerings", "服务项目和价格"
        QUALIFICATION = "qualification", "资质证照"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"
        WITHDRAWN = "withdrawn", "已撤回"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField("类型", max_length=15, choices=Kind.choices)
    # {"field": {"label": "…", "old": …, "new": …}} for a profile; a list of rows for prices;
    # the document's fields for a qualification. Values are JSON-safe (dates as ISO strings).
    changes = models.JSONField("变更内容")
    attachment = models.FileField(
        "附件", upload_to="portal/changes/%Y/", blank=True, validators=[validate_upload]
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    reason = models.TextField("审核意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "企业信息变更申请"
        verbose_name_plural = "企业信息变更申请"
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["enterprise", "status"], name="change_request_open_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()}（{self.get_status_display()}）"


class WorkerCardQuerySet(models.QuerySet):
    def unrevoked(self):
        """Cards nobody revoked: what the card writes lock and revoke, and what the
        one-card-per-employment constraint counts."""
        return self.filter(revoked_at__isnull=True)

    def valid(self):
        """Cards a resident may trust: not revoked and of a current employment. A card whose
        employment has ended counts as revoked even if nothing revoked it (an import, a
        direct edit of the employment)."""
        return self.filter(current_employment("employment__"), revoked_at__isnull=True)

    def invalid(self):
        """Every card `valid()` leaves out: revoked, or of an ended employment."""
        return self.exclude(current_employment("employment__"), revoked_at__isnull=True)


class WorkerCard(models.Model):
    """The home-service card (居家上门服务证) of a worker at an employer. Its QR code opens
    /verify/<token>/. The token is random; ending the employment or reissuing the card
    revokes it, and a revoked token shows a warning, never the worker."""

    worker = models.ForeignKey(
        Worker, verbose_name="从业人员", on_delete=models.CASCADE, related_name="cards"
    )
    employment = models.ForeignKey(
        Employment, verbose_name="任职记录", on_delete=models.CASCADE, related_name="cards"
    )
    number = models.CharField("证号", max_length=20, unique=True)
    token = models.CharField("核验码", max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField("发证时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发证人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True, db_index=True)
    revoked_reason = models.CharField("作废原因", max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["token"])

    objects = WorkerCardQuerySet.as_manager()

    class Meta:
        verbose_name = "居家上门服务证"
        verbose_name_plural = "居家上门服务证"
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employment"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_card_per_employment",
                violation_error_message="该从业人员在本企业已有有效的服务证，请先作废再补发。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.worker.name}"

    @property
    def is_valid(self) -> bool:
        """The Python twin of `WorkerCardQuerySet.valid()`."""
        return self.revoked_at is None and self.employment.is_current


class RateLimitCounter(models.Model):
    """A public form's rate-limit count in one window, kept here only while the cache
    (Redis) is unreachable; see `registry.ratelimits`. Expired rows are deleted as new
    ones are counted."""

    group_name = models.CharField("限制", max_length=60)
    key_digest = models.CharField("键摘要", max_length=40)
    window_end = models.BigIntegerField("时段结束", db_index=True)
    count = models.IntegerField("次数", default=0)

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"
        constraints = [
            models.UniqueConstraint(
                fields=["group_name", "key_digest", "window_end"], name="ratelimit_one_counter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_name} {self.count}"
