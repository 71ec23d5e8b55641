from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉与评价"

    def ready(self) -> None:
        from . import dossier_reviews, dossier_sections, portal_cards

        dossier_sections.register()
        dossier_reviews.register()
        portal_cards.register()
