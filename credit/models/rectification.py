"""Rectification notices (整改通知): what an enterprise must put right, and by when.

A notice is issued for a B rating's supervision task and for a failed inspection; the
enterprise reads it in the portal and answers with its rectification report and evidence;
staff accept the report or send it back with a reason."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.files import validate_upload

from .events import CreditEvent
from .management import SupervisionTask

# The statuses in which the enterprise still has to act.
AWAITING_ENTERPRISE = ("issued", "rejected")


class RectificationNoticeQuerySet(models.QuerySet):
    def open(self):
        """Notices not settled yet: waiting for the enterprise or for staff."""
        return self.filter(status__in=[*AWAITING_ENTERPRISE, RectificationNotice.Status.SUBMITTED])

    def overdue(self, day: date):
        """Notices the enterprise has not answered (or answered again after a rejection)
        by their deadline."""
        return self.filter(status__in=AWAITING_ENTERPRISE, deadline__lt=day)


class RectificationNotice(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", "待整改"
        SUBMITTED = "submitted", "待验收"
        REJECTED = "rejected", "退回整改"
        ACCEPTED = "accepted", "整改通过"
        CLOSED = "closed", "已办结"

    class Source(models.TextChoices):
        SUPERVISION = "supervision", "诚信警示监管"
        INSPECTION = "inspection", "双随机抽查"

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="rectification_notices",
    )
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    # A notice of a supervision task is settled with the task; one of an inspection names it
    # by reference (credit does not know the inspections app).
    supervision_task = models.ForeignKey(
        SupervisionTask,
        verbose_name="监管任务",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    source_ref = models.CharField("来源编号", max_length=60, blank=True)
    title = models.CharField("事由", max_length=200)
    requirements = models.TextField("整改要求")
    deadline = models.DateField("整改期限", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ISSUED, db_index=True
    )
    issued_at = models.DateTimeField("下达时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="下达人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.TextField("整改报告", blank=True)
    evidence = models.FileField(
        "整改证明", upload_to="credit/rectification/%Y/", blank=True, validators=[validate_upload]
    )
    submitted_at = models.DateTimeField("报告提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报告提交人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.TextField("验收意见", blank=True)
    decided_at = models.DateTimeField("验收时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="验收人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    result_event = models.ForeignKey(
        CreditEvent,
        verbose_name="形成的信用记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = RectificationNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "整改通知"
        verbose_name_plural = "整改通知"
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervision_task"],
                condition=Q(supervision_task__isnull=False),
                name="credit_one_notice_per_supervision_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise}：{self.title}"

    def is_overdue(self, day: date) -> bool:
        return self.status in AWAITING_ENTERPRISE and self.deadline < day
