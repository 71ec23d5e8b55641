from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


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
        db_table = "zhouqu_jiazheng_annualreport"  # the table it had in the project package
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
