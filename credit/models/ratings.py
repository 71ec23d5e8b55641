"""The yearly rating: runs, their chunks and the ratings they produce."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Enterprise, Worker

from .standards import EvaluationStandard
from .subjects import Grade, SubjectMixin, SubjectType, exactly_one_subject


class RatingRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    class Origin(models.TextChoices):
        ADMIN = "admin", "管理后台"
        COMMAND = "command", "命令行"
        SCHEDULE = "schedule", "年度定时任务"

    # A run still to be finished; at most one per year (see Meta.constraints).
    UNFINISHED = (Status.PENDING, Status.RUNNING)

    year = models.PositiveSmallIntegerField("评价年度", db_index=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    enterprise_standard = models.ForeignKey(
        EvaluationStandard,
        verbose_name="企业评价标准",
        on_delete=models.PROTECT,
        related_name="+",
    )
    worker_standard = models.ForeignKey(
        EvaluationStandard,
        verbose_name="从业人员评价标准",
        on_delete=models.PROTECT,
        related_name="+",
    )
    chunk_size = models.PositiveIntegerField("每批主体数", default=5000)
    chunks_total = models.PositiveIntegerField("批次总数", default=0)
    chunks_done = models.PositiveIntegerField("已完成批次", default=0)
    subjects_total = models.PositiveIntegerField("主体总数", default=0)
    subjects_done = models.PositiveIntegerField("已评价主体", default=0)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    origin = models.CharField(
        "发起方式", max_length=10, choices=Origin.choices, default=Origin.ADMIN
    )
    # Moved forward by every chunk done: a run unfinished with no progress for
    # CREDIT_RATING_STALL_SECONDS has lost chunks (a killed worker) and is resumed.
    progressed_at = models.DateTimeField("最近进展", null=True, blank=True)
    resumed_count = models.PositiveIntegerField("自动续算次数", default=0)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取消人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "评价批次"
        verbose_name_plural = "评价批次"
        ordering = ["-created_at"]
        constraints = [
            # Two unfinished runs of one year would overwrite each other's drafts and the
            # one finishing last would withdraw the other's ratings.
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(status__in=["pending", "running"]),
                name="credit_ratingrun_one_unfinished_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年度评价（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"

    @property
    def progress_percent(self) -> int:
        if not self.chunks_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.chunks_done * 100 // self.chunks_total)

    @property
    def is_unfinished(self) -> bool:
        return self.status in self.UNFINISHED


class RatingChunk(models.Model):
    """One id range of one subject type in a run; done exactly once however often the
    task that computes it is delivered."""

    run = models.ForeignKey(RatingRun, on_delete=models.CASCADE, related_name="chunks")
    subject_type = models.CharField(max_length=10, choices=SubjectType.choices)
    low = models.BigIntegerField()
    high = models.BigIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)
    subjects = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "评价批次分片"
        verbose_name_plural = "评价批次分片"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "subject_type", "low"], name="credit_rating_chunk_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.subject_type}:{self.low}-{self.high}"


class RatingQuerySet(models.QuerySet):
    def under_publicity(self, day):
        """Ratings publicised with `day` inside their publicity period (公示期): the
        public sees them and may send opinions or objections on them."""
        return self.filter(
            status=Rating.Status.PUBLICISED,
            publicity_starts_on__lte=day,
            publicity_ends_on__gte=day,
        )


class Rating(SubjectMixin):
    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        PUBLICISED = "publicised", _("公示中")
        FINAL = "final", _("已确定")

    # Few indexes on purpose: the engine writes a year's ratings in bulk. For the same
    # reason no foreign key of a rating is checked by the database row by row (PostgreSQL
    # runs one look-up and row lock per inserted rating and key, which cost more than the
    # inserts themselves): the engine takes the subjects from the registers in the same
    # statement and the standard and run from the run row it holds; Django enforces the
    # rest (a subject or a standard with ratings is PROTECTed, deleting a run sets its
    # ratings' run to NULL, and a standard in use is locked).
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name="从业人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField("评价年度")
    standard = models.ForeignKey(
        EvaluationStandard,
        verbose_name="评价标准",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    run = models.ForeignKey(
        RatingRun,
        verbose_name="评价批次",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ratings",
        db_index=False,
        db_constraint=False,
    )
    compliance = models.DecimalField("经营合规", max_digits=5, decimal_places=1)
    quality = models.DecimalField("服务质量", max_digits=5, decimal_places=1)
    reputation = models.DecimalField("客户口碑", max_digits=5, decimal_places=1)
    commitment = models.DecimalField("履约守信", max_digits=5, decimal_places=1)
    total = models.DecimalField("总分", max_digits=5, decimal_places=1)
    grade = models.CharField("等级", max_length=3, choices=Grade.choices)
    vetoed = models.BooleanField("一票否决", default=False)
    veto_reason = models.CharField("否决原因", max_length=200, blank=True)
    not_graded_reason = models.CharField("暂不评级原因", max_length=200, blank=True)
    # Ratings computed before the engine stored inputs keep [code, shown, points] rows here.
    explanation = models.JSONField("评分明细", default=list, blank=True)
    # The values the standard's indicators read, comma-separated (credit.rules.input_columns
    # gives their names, credit.engine.inputs_text the format): the explanation is the
    # rules applied to them again when it is shown.
    inputs = models.TextField("评分输入值", blank=True, default="")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    computed_at = models.DateTimeField("计算时间")
    publicity_starts_on = models.DateField("公示开始", null=True, blank=True)
    publicity_ends_on = models.DateField("公示截止", null=True, blank=True)
    finalised_at = models.DateTimeField("确定时间", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["explanation", "inputs"])

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = "信用评价结果"
        verbose_name_plural = "信用评价结果"
        ordering = ["-year", "-total"]
        constraints = [
            exactly_one_subject("credit_rating_one_subject"),
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                condition=Q(enterprise__isnull=False),
                name="credit_rating_one_per_enterprise_year",
            ),
            models.UniqueConstraint(
                fields=["worker", "year"],
                condition=Q(worker__isnull=False),
                name="credit_rating_one_per_worker_year",
            ),
        ]
        indexes = [
            # Publicised and final ratings only, which the public pages, the incentives and
            # the daily finalisation look up: the engine's bulk writes of drafts skip it.
            models.Index(
                fields=["year", "status", "grade"],
                condition=~Q(status="draft"),
                name="credit_rating_year_published",
            ),
            # The admin's list order (year, total, then id): a page of 100 rows is read
            # from the index instead of sorting every rating of every year.
            models.Index(fields=["year", "total", "id"], name="credit_rating_year_total_id"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.subject_name} {self.grade}"
