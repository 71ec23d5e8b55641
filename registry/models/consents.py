"""A worker's consent to be named in full on public praise (the honour roll and posters)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .subjects import Worker


class PublicNameConsentQuerySet(models.QuerySet):
    def current(self):
        """Consents given and not withdrawn: only these let a public page print the worker's
        full name and photo."""
        return self.filter(withdrawn_at__isnull=True)


class PublicNameConsent(models.Model):
    """The worker agreed that the honour roll (诚信红榜) and its posters show their full name
    and photo. Given and withdrawn by the worker on their own record (/workers/); each grant
    is a row, so the history of what was agreed when stays. Without a current consent those
    pages print the masked name and no photo."""

    worker = models.ForeignKey(
        Worker, verbose_name="从业人员", on_delete=models.CASCADE, related_name="name_consents"
    )
    consented_at = models.DateTimeField("同意时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    history = HistoricalRecords()

    objects = PublicNameConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "公开姓名照片授权"
        verbose_name_plural = "公开姓名照片授权"
        ordering = ["-consented_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(withdrawn_at__isnull=True),
                name="registry_one_current_name_consent",
                violation_error_message="该从业人员已同意公开姓名和照片。",
            )
        ]

    def __str__(self) -> str:
        state = "已撤回" if self.withdrawn_at else "有效"
        return f"{self.worker.name} 公开姓名照片授权（{state}）"
