"""The incentives card of the portal home: the measures the enterprise takes part in, the
benefits it gave this month, and its open applications."""

from django.utils import timezone

from core.portal import PORTAL_CARDS, PORTAL_PAGES, PortalCard, PortalPage

from .models import Participation, SupportApplication
from .portal_views import month_summary
from .selectors_bookings import waiting_offers_count


def _incentives(enterprise, request) -> dict:
    today = timezone.localdate()
    return {
        "participations": list(
            Participation.objects.filter(enterprise=enterprise, status=Participation.Status.ACTIVE)
            .select_related("measure")
            .order_by("measure__sort_order")
        ),
        "month": month_summary(enterprise, today),
        "waiting_bookings": waiting_offers_count(enterprise),
        "open_applications": SupportApplication.objects.filter(
            enterprise=enterprise, status=SupportApplication.Status.SUBMITTED
        ).count(),
    }


def register() -> None:
    PORTAL_CARDS.register(
        PortalCard("incentives", "守信激励", "incentives/portal/card.html", _incentives, order=40)
    )
    PORTAL_PAGES.register(
        PortalPage("incentives", "守信激励", "portal:incentives_measures", order=60)
    )
    PORTAL_PAGES.register(
        PortalPage("incentives_redemptions", "优惠核销", "portal:incentives_redemptions", order=61)
    )
    PORTAL_PAGES.register(
        PortalPage("incentives_bookings", "预约派单", "portal:incentives_bookings", order=63)
    )
    PORTAL_PAGES.register(
        PortalPage("incentives_programmes", "扶持与培训", "portal:incentives_programmes", order=62)
    )
