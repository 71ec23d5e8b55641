from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "档案管理"

    def ready(self) -> None:
        from . import dossier_sections, inbox_sources, portal_cards, portal_pages

        dossier_sections.register()
        inbox_sources.register()
        portal_cards.register()
        portal_pages.register()
