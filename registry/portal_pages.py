"""registry's entries in the portal navigation: the enterprise's profile, its services and
prices, its licences and its workers."""

from .portal import PortalPage, register_portal_page

PAGES = (
    PortalPage("profile", "企业信息", "portal:profile", order=10),
    PortalPage("offerings", "服务项目和价格", "portal:offerings", order=20),
    PortalPage("qualifications", "资质证照", "portal:qualifications", order=30),
    PortalPage("workers", "从业人员", "portal:workers", order=40),
)


def register() -> None:
    for page in PAGES:
        register_portal_page(page)
