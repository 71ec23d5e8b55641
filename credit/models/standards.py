"""The evaluation standard (评价标准): its indicators and veto rules."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .subjects import Dimension, SubjectType


class EvaluationStandard(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ACTIVE = "active", "现行"
        RETIRED = "retired", "已废止"

    year = models.PositiveSmallIntegerField("评价年度")
    subject_type = models.CharField("适用对象", max_length=10, choices=SubjectType.choices)
    version = models.PositiveSmallIntegerField("版本", default=1)
    title = models.CharField("标准名称", max_length=100)
    description = models.TextField("说明", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    aaa_min = models.DecimalField("AAA 最低分", max_digits=5, decimal_places=1, default=90)
    aa_min = models.DecimalField("AA 最低分", max_digits=5, decimal_places=1, default=80)
    a_min = models.DecimalField("A 最低分", max_digits=5, decimal_places=1, default=60)
    min_registered_months = models.PositiveSmallIntegerField(
        "参评最短登记月数",
        default=6,
        help_text="企业成立（无成立日期的按建档日期）、从业人员首次入职不满此月数的，"
        "当年度暂不评级；填0则评价日前已登记的全部参评。",
    )
    locked_at = models.DateTimeField(
        "锁定时间",
        null=True,
        blank=True,
        help_text="已被评价使用的标准不能再修改，只能另立新版本。",
    )
    change_note = models.TextField("修订说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "评价标准"
        verbose_name_plural = "评价标准"
        ordering = ["-year", "subject_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "subject_type", "version"], name="credit_standard_version_unique"
            ),
            models.UniqueConstraint(
                fields=["year", "subject_type"],
                condition=Q(status="active"),
                name="credit_one_active_standard",
                violation_error_message="同一年度、同一对象只能有一个现行标准。",
            ),
            models.CheckConstraint(
                condition=Q(aaa_min__gt=F("aa_min"), aa_min__gt=F("a_min"), a_min__gt=0),
                name="credit_thresholds_ordered",
                violation_error_message="等级分数线应满足 AAA > AA > A > 0。",
            ),
        ]

    def __str__(self) -> str:
        # The title usually names its subjects ("家政企业信用评价标准"), sometimes its year.
        label, year = self.get_subject_type_display(), f"{self.year}年"
        subject = "" if label in self.title else label
        return f"{'' if year in self.title else year}{subject}{self.title}（第{self.version}版）"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Indicator(models.Model):
    class Rule(models.TextChoices):
        DOCUMENT_VALIDITY = "document_validity", "证照有效比例"
        STAFF_HEALTH = "staff_health", "在职人员健康证有效比例"
        EVENT_DEDUCTION = "event_deduction", "按事件扣分"
        EVENT_BONUS = "event_bonus", "按事件加分（封顶）"
        REVIEW_AVERAGE = "review_average", "服务评价平均分折算"
        TRAINING_HOURS = "training_hours", "培训学时达标比例"
        RECORD_FRESHNESS = "record_freshness", "档案按时核实"
        COMPLETENESS = "completeness", "档案完整度"

    standard = models.ForeignKey(
        EvaluationStandard,
        verbose_name="评价标准",
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    dimension = models.CharField("维度", max_length=12, choices=Dimension.choices)
    code = models.CharField("编号", max_length=10)
    name = models.CharField("指标", max_length=60)
    weight = models.DecimalField("分值", max_digits=5, decimal_places=1)
    rule = models.CharField("计分规则", max_length=20, choices=Rule.choices)
    params = models.JSONField("规则参数", default=dict, blank=True)
    description = models.TextField("评分说明", help_text="对外公布的通俗说明。")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["standard", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="credit_indicator_code"),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="credit_indicator_weight_positive",
                violation_error_message="分值必须大于0。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}（{self.weight}分）"


class VetoRule(models.Model):
    class Kind(models.TextChoices):
        KEY_LIST = "key_list", "列入重点管理名单（严重失信）"
        EVENT = "event", "存在特定信用记录"

    standard = models.ForeignKey(
        EvaluationStandard,
        verbose_name="评价标准",
        on_delete=models.CASCADE,
        related_name="vetoes",
    )
    kind = models.CharField("否决情形", max_length=10, choices=Kind.choices)
    params = models.JSONField("参数", default=dict, blank=True)
    description = models.CharField("说明", max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "一票否决情形"
        verbose_name_plural = "一票否决情形"
        ordering = ["standard", "id"]

    def __str__(self) -> str:
        return self.description
