"""Credit's waiting work on the dashboard's inbox (core.inbox): objections, opinions from
the public on publicised ratings, repairs, and rectification reports to accept."""

from django.conf import settings
from django.db.models import Q

from core.inbox import INBOX_SOURCES, InboxSource

from .models import Objection, PublicityOpinion, RectificationNotice, RepairRequest


def register() -> None:
    INBOX_SOURCES.register(
        InboxSource(
            "objections",
            20,
            Objection,
            "信用异议待处理",
            lambda today: Q(status=Objection.Status.SUBMITTED),
            {"status__exact": Objection.Status.SUBMITTED},
            due_field="due_on",
            overdue_filters={"deadline": "overdue"},
            note=lambda: f"收到后{settings.CREDIT_OBJECTION_DECISION_DAYS}日内处理",
        )
    )
    INBOX_SOURCES.register(
        InboxSource(
            "publicity_opinions",
            25,
            PublicityOpinion,
            "社会监督意见待处理",
            lambda today: Q(status__in=PublicityOpinion.OPEN),
            {"status__in": ",".join(PublicityOpinion.OPEN)},
            due_field="due_on",
            overdue_filters={"deadline": "overdue"},
            note=lambda: f"收到后{settings.CREDIT_OBJECTION_DECISION_DAYS}日内处理",
        )
    )
    INBOX_SOURCES.register(
        InboxSource(
            "repairs",
            30,
            RepairRequest,
            "信用修复申请待审核",
            lambda today: Q(status=RepairRequest.Status.SUBMITTED),
            {"status__exact": RepairRequest.Status.SUBMITTED},
            due_field="due_on",
            overdue_filters={"deadline": "overdue"},
            note=lambda: f"收到后{settings.CREDIT_REPAIR_DECISION_DAYS}日内审核",
        )
    )
    INBOX_SOURCES.register(
        InboxSource(
            "rectification_reports",
            35,
            RectificationNotice,
            "整改报告待验收",
            lambda today: Q(status=RectificationNotice.Status.SUBMITTED),
            {"status__exact": RectificationNotice.Status.SUBMITTED},
        )
    )
