"""Support and training programmes and enterprises' applications to them."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from registry.models import Enterprise, Worker

from .catalogue import IncentiveMeasure
from .residents import Audience


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
