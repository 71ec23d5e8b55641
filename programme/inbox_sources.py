"""The work plan's waiting work on the dashboard's inbox (core.inbox): tasks near or past
their due date, self-inspections waiting for review, and rectifications past their date."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from core.inbox import INBOX_SOURCES, InboxSource

from .models import InspectionItem, PlanTask, SelfInspection


def register() -> None:
    INBOX_SOURCES.register(
        InboxSource(
            "plan_tasks",
            80,
            PlanTask,
            "工作任务临近或超过完成时限",
            lambda today: Q(due_on__lte=today + timedelta(days=settings.PROGRAMME_REMINDER_DAYS)),
            {"deadline": "attention"},
            due_field="due_on",
            overdue_filters={"deadline": "overdue"},
            note=lambda: f"完成时限前{settings.PROGRAMME_REMINDER_DAYS}天起提醒责任人",
            queryset=lambda: PlanTask.objects.exclude(status=PlanTask.Status.DONE),
        )
    )
    INBOX_SOURCES.register(
        InboxSource(
            "self_inspections",
            81,
            SelfInspection,
            "工作自查待复核",
            lambda today: Q(status=SelfInspection.Status.SUBMITTED),
            {"status__exact": SelfInspection.Status.SUBMITTED},
            note="复核人不能是自查负责人本人",
        )
    )
    INBOX_SOURCES.register(
        InboxSource(
            "rectifications",
            82,
            InspectionItem,
            "自查问题整改中",
            lambda today: Q(rectification_status=InspectionItem.Rectification.OPEN),
            {"rectification_status__exact": InspectionItem.Rectification.OPEN},
            due_field="rectification_due_on",
        )
    )
