"""The credit cards of the portal home: the current and the previous grade, a publicity
period that is running (the time to object), open objections and repair requests; and the
credit pledge, prompting to sign a version not signed yet."""

from django.utils import timezone

from core.portal import PORTAL_CARDS, PORTAL_PAGES, PortalCard, PortalPage

from . import selectors, selectors_pledges, selectors_rectification
from .models import Objection, RepairRequest
from .services.objections import objection_window_open


def _credit(enterprise, request) -> dict:
    today = timezone.localdate()
    ratings = list(
        selectors.visible_ratings()
        .select_related(None)  # the card reads the grade only, not the standard
        .filter(enterprise=enterprise)
        .only(
            "year",
            "grade",
            "not_graded_reason",
            "total",
            "status",
            "vetoed",
            "publicity_starts_on",
            "publicity_ends_on",
        )
        .order_by("-year")[:2]
    )
    current = ratings[0] if ratings else None
    return {
        "current": current,
        "previous": ratings[1] if len(ratings) > 1 else None,
        "publicity": current if current and objection_window_open(current, today) else None,
        "open_objections": Objection.objects.filter(
            rating__enterprise=enterprise, status=Objection.Status.SUBMITTED
        ).count(),
        "open_repairs": RepairRequest.objects.filter(
            event__enterprise=enterprise, status=RepairRequest.Status.SUBMITTED
        ).count(),
    }


def _pledge(enterprise, request) -> dict:
    return {"status": selectors_pledges.pledge_status(enterprise)}


def _notices(enterprise, request) -> dict:
    return {
        "notices": selectors_rectification.open_notices(enterprise),
        "today": timezone.localdate(),
    }


def register() -> None:
    # Open rectification notices come first on the portal home.
    PORTAL_CARDS.register(
        PortalCard("notices", "整改通知", "credit/portal/notice_card.html", _notices, order=1)
    )
    PORTAL_CARDS.register(
        PortalCard("credit", "信用评价", "credit/portal/card.html", _credit, order=20)
    )
    PORTAL_CARDS.register(
        PortalCard("pledge", "信用承诺书", "credit/portal/pledge_card.html", _pledge, order=21)
    )
    PORTAL_PAGES.register(PortalPage("credit", "信用评价", "portal:credit_ratings", order=50))
    PORTAL_PAGES.register(
        PortalPage("credit_records", "信用记录与修复", "portal:credit_records", order=51)
    )
    PORTAL_PAGES.register(PortalPage("pledge", "信用承诺书", "portal:credit_pledge", order=52))
    PORTAL_PAGES.register(
        PortalPage("credit_reports", "信用报告", "portal:credit_reports", order=53)
    )
    PORTAL_PAGES.register(PortalPage("notices", "整改通知", "portal:credit_notices", order=54))
