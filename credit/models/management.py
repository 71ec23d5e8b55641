"""Differentiated management (分级分类管理): the key-management list and spot checks."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .events import CreditEvent
from .ratings import Rating
from .subjects import SubjectMixin, exactly_one_subject

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
