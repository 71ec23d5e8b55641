"""The registers' operations: reveals of personal data, document notices, ledger imports,
change requests from the portal, home-service cards and rate-limit counters."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.files import validate_upload
from core.outbox import OutboxMessage

from .subjects import Employment, Enterprise, Worker, current_employment


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
    fast_track = models.BooleanField(
        "绿色通道",
        default=False,
        db_default=False,
        editable=False,
        help_text="守信企业（AA级及以上）的申请优先审核。",
    )
    review_due_on = models.DateField("审核时限", null=True, blank=True, editable=False)
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
        # The admin lists a million cards newest first (with the id as tie-break).
        indexes = [models.Index(fields=["issued_at", "id"], name="workercard_issued_idx")]
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
