from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import ImageUploadField, validate_image_upload


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__isnull=False)


class Article(models.Model):
    """A piece of publicity (宣传): a typical case, a policy explanation or a notice.

    The body is plain text: staff never enter HTML, the pages turn blank lines into
    paragraphs. Only published articles are public.
    """

    class Kind(models.TextChoices):
        CASE = "case", _("典型案例")
        POLICY = "policy", _("政策解读")
        NOTICE = "notice", _("通知公告")

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
    # The tables keep the names they had in the project package.
    history = HistoricalRecords(table_name="zhouqu_jiazheng_historicalarticle")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        db_table = "zhouqu_jiazheng_article"
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
