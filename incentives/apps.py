from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = "守信激励"

    def ready(self) -> None:
        from . import dossier_sections, portal_cards

        dossier_sections.register()
        portal_cards.register()
