from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉与评价"

    def ready(self) -> None:
        from registry.views import register_media_permission

        from . import dossier_sections, portal_cards

        # Residents' attachments: the complaint officers (and readers of complaints) only.
        register_media_permission("complaints/", "complaints.view_complaint")

        dossier_sections.register()
        portal_cards.register()
