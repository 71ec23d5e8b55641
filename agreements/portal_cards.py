"""The agreements card of the portal home and the portal navigation entry."""

from django.utils import timezone

from core.portal import PORTAL_CARDS, PORTAL_PAGES, PortalCard, PortalPage

from . import selectors


def _agreements(enterprise, request) -> dict:
    return {
        "counts": selectors.agreement_counts(today=timezone.localdate(), enterprise=enterprise),
        "offerings": len(selectors.published_offerings(enterprise)),
    }


def register() -> None:
    PORTAL_CARDS.register(
        PortalCard(
            "agreements", "标准化服务约定", "agreements/portal/card.html", _agreements, order=35
        )
    )
    PORTAL_PAGES.register(PortalPage("agreements", "服务约定", "portal:agreements", order=55))
