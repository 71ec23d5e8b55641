"""registry's entries in the portal navigation: the enterprise's profile, its services and
prices, its licences, its workers and their home-service cards."""

from core.portal import PORTAL_PAGES, PortalPage

PAGES = (
    PortalPage("profile", "企业信息", "portal:profile", order=10),
    PortalPage("offerings", "服务项目和价格", "portal:offerings", order=20),
    PortalPage("qualifications", "资质证照", "portal:qualifications", order=30),
    PortalPage("workers", "从业人员", "portal:workers", order=40),
    PortalPage("cards", "服务证", "portal:cards", order=50),
)


def register() -> None:
    for page in PAGES:
        PORTAL_PAGES.register(page)
