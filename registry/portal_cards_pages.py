"""The home-service cards' entry in the portal navigation."""

from .portal import PortalPage, register_portal_page


def register() -> None:
    register_portal_page(PortalPage("cards", "服务证", "portal:cards", order=50))
