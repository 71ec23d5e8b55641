from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.public_sections import PUBLIC_SECTIONS, PublicSection


class PortalConfig(AppConfig):
    """The enterprise portal: accounts, login and lockout, the home page, and the URL
    composition of the pages the apps register (core.portal)."""

    name = "portal"
    verbose_name = "企业服务平台"

    def ready(self) -> None:
        PUBLIC_SECTIONS.register(
            PublicSection("portal:login", _("企业登录"), _("家政企业维护本企业档案。"), order=50)
        )
