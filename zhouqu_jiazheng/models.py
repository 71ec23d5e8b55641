from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.files import ImageUploadField, validate_image_upload


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker answered the `ping` task.

    The ping writes here so a health probe (or an operator) can see that workers not only
    take tasks from the broker but also reach the database.
    """

    hostname = models.CharField("主机", max_length=200, unique=True)
    last_seen = models.DateTimeField("最近心跳")
    pings = models.PositiveBigIntegerField("心跳次数", default=0)

    class Meta:
        verbose_name = "任务进程心跳"
        verbose_name_plural = "任务进程心跳"

    def __str__(self) -> str:
        return self.hostname


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__isnull=False)


class Article(models.Model):
    """A piece of publicity (宣传): a typical case, a policy explanation or a notice.

    The body is plain text: staff never enter HTML, the pages turn blank lines into
    paragraphs. Only published articles are public.
    """

    class Kind(models.TextChoices):
        CASE = "case", "典型案例"
        POLICY = "policy", "政策解读"
        NOTICE = "notice", "通知公告"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    title = models.CharField("标题", max_length=120)
    kind = models.CharField("栏目", max_length=10, choices=Kind.choices, db_index=True)
    summary = models.CharField(
        "摘要", max_length=200, blank=True, help_text="列表和首页显示的简短介绍，不超过200字。"
    )
    body = models.TextField("正文", help_text="纯文本；空一行即为新段落。")
    cover = ImageUploadField(
        "封面图片",
        upload_to="articles/covers/%Y/",
        blank=True,
        validators=[validate_image_upload],
        help_text="可选，JPG或PNG，不超过10MB；上传后自动去除照片中的拍摄位置等信息。",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="编辑",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "宣传文章"
        verbose_name_plural = "宣传文章"
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_published")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message="已发布的文章必须有发布时间。",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def cover_url(self) -> str:
        return reverse("news:cover", args=[self.pk]) if self.cover else ""


class AnnualReport(models.Model):
    """One generation of the annual summary report (年度工作总结报表) for a year.

    The workbook is built by a Celery task on the bulk queue (it lists every rated subject,
    200,000 rows at provincial scale) and stored under MEDIA_ROOT, which only staff reach.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    year = models.PositiveSmallIntegerField("报告年度", db_index=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    rows_total = models.PositiveIntegerField("名单总行数", default=0)
    rows_done = models.PositiveIntegerField("已写入行数", default=0)
    file = models.FileField("报表文件", upload_to="reports/annual/", blank=True)
    requested_by = models.ForeignKey(
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
    message = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "年度报告"
        verbose_name_plural = "年度报告"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="annual_report_progress")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度报告（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
