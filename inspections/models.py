"""Inspections by grade (双随机、一公开): rounds drawn at random, per grade, and their results.

A round covers a period; its draw takes a share of the enterprises of each stratum (the
key-management list always, then by their current grade) and two inspectors for each from
the staff pool, all from one recorded seed, so the draw can be replayed and checked."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.files import validate_upload


class Stratum(models.TextChoices):
    """What decides how often an enterprise is inspected: the key-management list, else its
    current grade (unrated: no published grade, or 暂不评级)."""

    KEY_LIST = "key", "重点管理名单"
    AAA = "AAA", "AAA 诚信示范"
    AA = "AA", "AA 诚信良好"
    A = "A", "A 诚信合格"
    B = "B", "B 诚信警示"
    UNRATED = "unrated", "未评级"


# Percent of each stratum drawn by default: trustworthy subjects are inspected least (优化服务
# 管理), warned ones most (加大监管力度), the key-management list every round.
DEFAULT_RATES = {
    Stratum.KEY_LIST: 100,
    Stratum.AAA: 5,
    Stratum.AA: 10,
    Stratum.A: 20,
    Stratum.B: 50,
    Stratum.UNRATED: 20,
}
RATE_FIELDS = {
    Stratum.AAA: "rate_aaa",
    Stratum.AA: "rate_aa",
    Stratum.A: "rate_a",
    Stratum.B: "rate_b",
    Stratum.UNRATED: "rate_unrated",
}


def _rate(stratum, label):
    return models.PositiveSmallIntegerField(f"{label}抽查比例（%）", default=DEFAULT_RATES[stratum])


class InspectionRound(models.Model):
    class Status(models.TextChoices):
        DRAWN = "drawn", "检查中"
        FINISHED = "finished", "已完成"

    title = models.CharField("抽查名称", max_length=100)
    starts_on = models.DateField("检查开始日期")
    ends_on = models.DateField("检查截止日期")
    rate_aaa = _rate(Stratum.AAA, "AAA级")
    rate_aa = _rate(Stratum.AA, "AA级")
    rate_a = _rate(Stratum.A, "A级")
    rate_b = _rate(Stratum.B, "B级")
    rate_unrated = _rate(Stratum.UNRATED, "未评级")
    seed = models.BigIntegerField("随机种子")
    # What the draw was made from (enterprise → stratum, the pool, each enterprise's
    # previous inspectors): with the seed, enough to replay it.
    draw_inputs = models.JSONField("抽取依据", default=dict, editable=False)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAWN, db_index=True
    )
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="inspections_round_period",
                violation_error_message="检查截止日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def rates(self) -> dict[str, int]:
        """Percent drawn per stratum (the key-management list: always 100)."""
        return {
            Stratum.KEY_LIST: 100,
            **{stratum: getattr(self, field) for stratum, field in RATE_FIELDS.items()},
        }


class Inspection(models.Model):
    class Result(models.TextChoices):
        PASSED = "passed", "合格"
        FAILED = "failed", "不合格"
        RECTIFY = "rectify", "责令整改"

    round = models.ForeignKey(
        InspectionRound,
        verbose_name="抽查",
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    stratum = models.CharField("抽取类别", max_length=10, choices=Stratum.choices)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="检查人员", related_name="+"
    )
    scheduled_on = models.DateField("计划检查日期")
    done_on = models.DateField("检查日期", null=True, blank=True)
    result = models.CharField("检查结果", max_length=10, choices=Result.choices, blank=True)
    findings = models.TextField("检查情况", blank=True)
    evidence = models.FileField(
        "检查记录", upload_to="inspections/%Y/", blank=True, validators=[validate_upload]
    )
    result_event = models.ForeignKey(
        "credit.CreditEvent",
        verbose_name="形成的信用记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notice = models.ForeignKey(
        "credit.RectificationNotice",
        verbose_name="整改通知",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[inspectors])

    class Meta:
        verbose_name = "抽查检查"
        verbose_name_plural = "抽查检查"
        ordering = ["round", "scheduled_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "enterprise"], name="inspections_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}：{self.enterprise}"

    @property
    def is_done(self) -> bool:
        return bool(self.result)
