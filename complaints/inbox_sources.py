"""Complaints near or past their statutory deadline on the dashboard's inbox (core.inbox)."""

from django.db.models import Q

from core.inbox import INBOX_SOURCES, InboxSource

from .limits import ACCEPTANCE_DAYS, MEDIATION_DAYS, NOTIFICATION_DAYS
from .models import Complaint, DeadlineState


def register() -> None:
    INBOX_SOURCES.register(
        InboxSource(
            "complaints",
            60,
            Complaint,
            "投诉临近或超过办理期限",
            lambda today: Q(deadline_state__in=[DeadlineState.DUE_SOON, DeadlineState.OVERDUE]),
            {"deadline": "attention"},
            overdue=lambda today: Q(deadline_state=DeadlineState.OVERDUE),
            overdue_filters={"deadline": DeadlineState.OVERDUE},
            note=(
                f"受理{ACCEPTANCE_DAYS}个工作日、调解{MEDIATION_DAYS}个工作日、"
                f"告知{NOTIFICATION_DAYS}个工作日"
            ),
            queryset=lambda: Complaint.objects.open(),
        )
    )
