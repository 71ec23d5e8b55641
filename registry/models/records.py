"""What the dossiers hold: documents (licences, health certificates), trainings, background
checks, skill certificates, and the services and prices enterprises offer."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import validate_upload

from .subjects import Enterprise, Validity, Worker, validity_for


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


def review_indexes(review_name: str, unverified_name: str) -> list[models.Index]:
    """The partial indexes of a record uploaded for 核验: the dashboard's review targets
    (uploads with a deadline) and its inbox (what waits for 核验) read these few rows,
    never the whole table."""
    return [
        models.Index(
            fields=["review_due_on"],
            condition=Q(review_due_on__isnull=False),
            name=review_name,
        ),
        models.Index(fields=["review_due_on"], condition=Q(verified=False), name=unverified_name),
    ]


class EnterpriseQualification(Document):
    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "licence", _("营业执照")
        HR_SERVICE = "hr_service", _("人力资源服务许可证")
        FOOD = "food", _("食品经营许可证")
        FILING = "filing", _("家政服务机构备案")
        OTHER = "other", _("其他资质")

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
    fast_track = models.BooleanField(
        "绿色通道",
        default=False,
        db_default=False,
        editable=False,
        help_text="守信企业（AA级及以上）上传的优先核验。",
    )
    review_due_on = models.DateField("核验时限", null=True, blank=True, editable=False)
    verified_at = models.DateTimeField("核验时间", null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["validity", "expiry_notified_at"])

    class Meta:
        verbose_name = "健康证"
        verbose_name_plural = "健康证"
        ordering = ["-valid_to"]
        constraints = [Document.validity_constraint("registry_health_valid_to_after_from")]
        permissions = [("view_sensitive_records", "查看健康证与无犯罪记录核查")]
        indexes = [
            *review_indexes("registry_health_review_idx", "registry_health_unverified_idx"),
        ]

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
    fast_track = models.BooleanField(
        "绿色通道",
        default=False,
        db_default=False,
        editable=False,
        help_text="守信企业（AA级及以上）上传的优先核验。",
    )
    review_due_on = models.DateField("核验时限", null=True, blank=True, editable=False)
    verified_at = models.DateTimeField("核验时间", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["-completed_on"]
        indexes = [
            *review_indexes("registry_training_review_idx", "registry_training_unverif_idx"),
        ]
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
        HOUSEKEEPER = "housekeeper", _("家政服务员")
        INFANT_CARE = "infant", _("育婴员")
        ELDER_CARE = "elder", _("养老护理员")
        MATERNITY = "maternity", _("母婴护理员")
        NURSERY = "nursery", _("保育员")
        CHEF = "chef", _("中式烹调师")
        PATIENT_CARE = "patient", _("医疗护理员")
        OTHER = "other", _("其他")

    class Level(models.TextChoices):
        LEVEL5 = "5", _("五级/初级工")
        LEVEL4 = "4", _("四级/中级工")
        LEVEL3 = "3", _("三级/高级工")
        LEVEL2 = "2", _("二级/技师")
        LEVEL1 = "1", _("一级/高级技师")
        SPECIAL = "special", _("专项能力证书")

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
        HOUR = "hour", _("元/小时")
        VISIT = "visit", _("元/次")
        SQM = "sqm", _("元/平方米")
        DAY = "day", _("元/天")
        MONTH = "month", _("元/月")
        UNIT = "unit", _("元/台")
        ORDER = "order", _("元/单")

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
