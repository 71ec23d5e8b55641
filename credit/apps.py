from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = "信用评价"

    def ready(self) -> None:
        from . import dossier_sections, portal_cards, verification

        dossier_sections.register()
        verification.register()
        portal_cards.register()
