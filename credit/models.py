"""The credit file (信用档案) and the yearly rating.

A subject is an enterprise or a worker; records that concern either carry two nullable
foreign keys and a check constraint that exactly one is set, so the database keeps
referential integrity and the rating engine can aggregate each kind with plain joins.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.files import validate_upload
from registry.models import Enterprise, Worker


class SubjectType(models.TextChoices):
    ENTERPRISE = "enterprise", "家政企业"
    WORKER = "worker", "从业人员"


class Dimension(models.TextChoices):
    COMPLIANCE = "compliance", "经营合规"
    QUALITY = "quality", "服务质量"
    REPUTATION = "reputation", "客户口碑"
    COMMITMENT = "commitment", "履约守信"


class Grade(models.TextChoices):
    AAA = "AAA", "AAA 诚信示范"
    AA = "AA", "AA 诚信良好"
    A = "A", "A 诚信合格"
    B = "B", "B 诚信警示"
    # Registered too recently to be judged (EvaluationStandard.min_registered_months): no
    # grade that year, counted apart from the grades, never supervised or rewarded for it.
    NOT_GRADED = "N", "暂不评级"


# The grades proper, best first; GRADE_ORDER ranks them (a subject not graded has none).
GRADES = (Grade.AAA, Grade.AA, Grade.A, Grade.B)
GRADE_ORDER = {Grade.AAA: 4, Grade.AA: 3, Grade.A: 2, Grade.B: 1}


class Severity(models.TextChoices):
    MINOR = "minor", "轻微"
    GENERAL = "general", "一般"
    SERIOUS = "serious", "严重"


def exactly_one_subject(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(enterprise__isnull=False, worker__isnull=True)
        | Q(enterprise__isnull=True, worker__isnull=False),
        name=name,
        violation_error_message="必须且只能指定一个信用主体（企业或从业人员）。",
    )


class SubjectMixin(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Each model indexes its subject columns together with what it is queried by.
        db_index=False,
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name="从业人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Each model indexes its subject columns together with what it is queried by.
        db_index=False,
    )

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.enterprise or self.worker

    @property
    def subject_type(self) -> str:
        return SubjectType.ENTERPRISE if self.enterprise_id else SubjectType.WORKER

    @property
    def subject_name(self) -> str:
        subject = self.subject
        return subject.name if subject else ""


# --- Evaluation standard -------------------------------------------------------------------


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


# --- Credit events -------------------------------------------------------------------------


class EventKind(models.TextChoices):
    SUBSTANTIATED_COMPLAINT = "complaint", "投诉属实"
    COMPLAINT_LATE = "complaint_late", "投诉未按时处理"
    SERVICE_REVIEW = "review", "服务评价"
    PENALTY = "penalty", "行政处罚"
    SPOT_CHECK_FAILED = "spot_failed", "抽查不合格"
    SPOT_CHECK_PASSED = "spot_passed", "抽查合格"
    AWARD = "award", "表彰奖励"
    TRAINING = "training", "参加培训"
    CONTRACT_DISPUTE = "dispute", "合同纠纷"
    OTHER_NEGATIVE = "other_negative", "其他失信行为"
    OTHER_POSITIVE = "other_positive", "其他守信表现"


POSITIVE_KINDS = {
    EventKind.SPOT_CHECK_PASSED,
    EventKind.AWARD,
    EventKind.TRAINING,
    EventKind.OTHER_POSITIVE,
}
NEUTRAL_KINDS = {EventKind.SERVICE_REVIEW}


class CreditEventQuerySet(models.QuerySet):
    def counting_on(self, day: date):
        """Events that count on `day`: active and still within their disclosure period."""
        return self.filter(status=CreditEvent.Status.ACTIVE).filter(
            Q(disclosure_until__isnull=True) | Q(disclosure_until__gte=day)
        )


class CreditEvent(SubjectMixin):
    class Source(models.TextChoices):
        MANUAL = "manual", "人工录入"
        IMPORT = "import", "批量导入"
        COMPLAINT = "complaint", "投诉处理"
        REVIEW = "review", "服务评价"
        INSPECTION = "inspection", "监督检查"
        REGISTRY = "registry", "档案"

    class Status(models.TextChoices):
        ACTIVE = "active", "有效"
        REPAIRED = "repaired", "已修复"
        REVOKED = "revoked", "已撤销"

    kind = models.CharField("类型", max_length=20, choices=EventKind.choices, db_index=True)
    severity = models.CharField(
        "严重程度", max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    occurred_on = models.DateField("发生日期", db_index=True)
    title = models.CharField("事由", max_length=200)
    description = models.TextField("详细情况", blank=True)
    tag = models.CharField(
        "细分类别",
        max_length=30,
        blank=True,
        db_index=True,
        help_text="如投诉类别“人身安全”、处罚原因“欺诈”；一票否决规则按此匹配。",
    )
    value = models.DecimalField(
        "数值",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="服务评价的分数（1–5）、培训学时等。",
    )
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.MANUAL)
    source_ref = models.CharField(
        "来源记录",
        max_length=80,
        blank=True,
        help_text="如 complaints.Complaint:123，用于追溯和撤销。",
    )
    evidence = models.FileField(
        "证明材料", upload_to="credit/evidence/%Y/", blank=True, validators=[validate_upload]
    )
    disclosure_until = models.DateField("公示截止日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    status_reason = models.CharField("状态变更原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = CreditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            exactly_one_subject("credit_event_one_subject"),
            # One record per source fact and subject: a retried call cannot duplicate it.
            models.UniqueConstraint(
                fields=["source_ref", "kind", "enterprise"],
                condition=~Q(source_ref="") & Q(enterprise__isnull=False),
                name="credit_event_unique_source_enterprise",
            ),
            models.UniqueConstraint(
                fields=["source_ref", "kind", "worker"],
                condition=~Q(source_ref="") & Q(worker__isnull=False),
                name="credit_event_unique_source_worker",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "occurred_on"], name="credit_event_ent_date"),
            models.Index(fields=["worker", "occurred_on"], name="credit_event_wrk_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def is_positive(self) -> bool:
        return self.kind in POSITIVE_KINDS


# --- Ratings ---------------------------------------------------------------------------------


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


class Rating(SubjectMixin):
    class Status(models.TextChoices):
        DRAFT = "draft", "待审核"
        PUBLICISED = "publicised", "公示中"
        FINAL = "final", "已确定"

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
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.subject_name} {self.grade}"


# --- Differentiated management -----------------------------------------------------------------


# The one rule of "on the key-management list on a day"; KEY_LIST_ON_SQL is its twin for the
# set-based rating engine, with the day as the %(as_of)s parameter.
KEY_LIST_ON_SQL = "status = 'active' AND starts_on <= %(as_of)s AND ends_on > %(as_of)s"


class KeyListEntryQuerySet(models.QuerySet):
    def on(self, day):
        """Entries in force on `day`: active, started by then, not yet ended."""
        return self.filter(status=KeyListEntry.Status.ACTIVE, starts_on__lte=day, ends_on__gt=day)


class KeyListEntry(SubjectMixin):
    """重点管理名单: subjects found 严重失信, barred from incentives and support meanwhile."""

    class Status(models.TextChoices):
        ACTIVE = "active", "管理中"
        REMOVED = "removed", "已移出"

    reason = models.CharField("列入事由", max_length=200)
    basis = models.TextField("认定依据")
    event = models.ForeignKey(
        CreditEvent,
        verbose_name="相关信用记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    starts_on = models.DateField("列入日期")
    ends_on = models.DateField("移出日期", help_text="到期自动移出；严重失信最长3年。")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    removal_reason = models.CharField("移出原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = KeyListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "重点管理名单"
        verbose_name_plural = "重点管理名单"
        ordering = ["-starts_on"]
        constraints = [
            exactly_one_subject("credit_keylist_one_subject"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="credit_keylist_period",
                violation_error_message="移出日期必须晚于列入日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}：{self.reason}"


class SupervisionTask(SubjectMixin):
    """A spot check (抽查) of a B-graded subject, due within a configurable number of days."""

    class Status(models.TextChoices):
        OPEN = "open", "待检查"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    class Result(models.TextChoices):
        PASSED = "passed", "合格（已整改）"
        FAILED = "failed", "不合格"

    rating = models.ForeignKey(
        Rating,
        verbose_name="评价结果",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_tasks",
    )
    reason = models.CharField("监管原因", max_length=200)
    due_on = models.DateField("检查期限", db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    result = models.CharField("检查结果", max_length=10, choices=Result.choices, blank=True)
    findings = models.TextField("检查情况", blank=True)
    checked_on = models.DateField("检查日期", null=True, blank=True)
    result_event = models.ForeignKey(
        CreditEvent,
        verbose_name="形成的信用记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "监管任务"
        verbose_name_plural = "监管任务"
        ordering = ["status", "due_on"]
        constraints = [
            exactly_one_subject("credit_supervision_one_subject"),
            models.UniqueConstraint(
                fields=["rating"],
                condition=Q(rating__isnull=False),
                name="credit_one_supervision_per_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} 抽查（{self.due_on}前）"


class Objection(models.Model):
    """信用异议: lodged by the subject during the publicity period."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待处理"
        UPHELD = "upheld", "异议成立"
        REJECTED = "rejected", "异议不成立"

    rating = models.ForeignKey(
        Rating, verbose_name="评价结果", on_delete=models.PROTECT, related_name="objections"
    )
    reasons = models.TextField("异议理由")
    evidence = models.FileField(
        "证明材料", upload_to="credit/objections/%Y/", blank=True, validators=[validate_upload]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提出时间", auto_now_add=True)
    due_on = models.DateField("办理期限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    decision = models.TextField("处理意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    previous_total = models.DecimalField(
        "原总分", max_digits=5, decimal_places=1, null=True, blank=True
    )
    previous_grade = models.CharField("原等级", max_length=3, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "信用异议"
        verbose_name_plural = "信用异议"
        ordering = ["status", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["rating"],
                condition=Q(status="submitted"),
                name="credit_one_open_objection_per_rating",
                violation_error_message="该评价结果已有待处理的异议。",
            ),
        ]

    def __str__(self) -> str:
        return f"对{self.rating}的异议"


class RepairRequest(models.Model):
    """信用修复: the subject corrected what a negative record is about and asks that it
    stop counting."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "准予修复"
        REJECTED = "rejected", "不予修复"

    event = models.ForeignKey(
        CreditEvent, verbose_name="信用记录", on_delete=models.PROTECT, related_name="repairs"
    )
    reasons = models.TextField("整改情况及理由")
    evidence = models.FileField(
        "整改证明", upload_to="credit/repairs/%Y/", blank=True, validators=[validate_upload]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("申请时间", auto_now_add=True)
    due_on = models.DateField("办理期限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    decision = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "信用修复申请"
        verbose_name_plural = "信用修复申请"
        ordering = ["status", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status="submitted"),
                name="credit_one_open_repair_per_event",
                violation_error_message="该信用记录已有待审核的修复申请。",
            ),
        ]

    def __str__(self) -> str:
        return f"修复申请：{self.event}"
