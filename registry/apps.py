from django.apps import AppConfig

from core.public_sections import PUBLIC_SECTIONS, PublicSection


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "档案管理"

    def ready(self) -> None:
        from . import dossier_sections, portal_cards, portal_pages

        dossier_sections.register()
        portal_cards.register()
        portal_pages.register()
        PUBLIC_SECTIONS.register(
            PublicSection("portal:login", "企业登录", "家政企业维护本企业档案。", order=50)
        )
