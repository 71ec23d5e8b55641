"""The complaints card of the portal home: open cases against the enterprise with their
deadlines, and the answers it still owes (things to do)."""

from django.utils import timezone

from core.portal import PORTAL_CARDS, PORTAL_PAGES, PortalCard, PortalPage

from .models import Complaint, Status
from .services.handling import RESPONDABLE

CARD_ROWS = 10


def _complaints(enterprise, request) -> dict:
    today = timezone.localdate()
    open_cases = (
        Complaint.objects.against(enterprise)
        .open()
        .only(
            "tracking_number",
            "status",
            "category",
            "case_type",
            "report_category",
            "received_at",
            "response_due",
            "responded_at",
            "acceptance_due",
            "mediation_due",
            "notification_due",
            "investigation_due",
        )
        .order_by("response_due", "received_at")
    )
    rows = list(open_cases[: CARD_ROWS + 1])
    to_answer = [
        c
        for c in rows
        if c.status in RESPONDABLE and c.responded_at is None and c.response_due is not None
    ]
    return {
        "cases": rows[:CARD_ROWS],
        "more": len(rows) > CARD_ROWS,
        "to_answer": to_answer,
        "today": today,
        "open_count": open_cases.count() if len(rows) > CARD_ROWS else len(rows),
        "closed_count": Complaint.objects.against(enterprise)
        .filter(status__in=[Status.CLOSED, Status.REFERRED])
        .count(),
    }


def register() -> None:
    PORTAL_CARDS.register(
        PortalCard(
            "complaints",
            "投诉处理",
            "complaints/portal/card.html",
            _complaints,
            order=30,
        )
    )
    PORTAL_PAGES.register(PortalPage("complaints", "投诉答复", "portal:complaints_list", order=40))
