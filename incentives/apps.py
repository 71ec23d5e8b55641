from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = "守信激励"

    def ready(self) -> None:
        from registry.views import register_media_permission

        from . import dossier_sections, portal_cards

        # Proof of special-group membership (disability, subsistence allowance…).
        register_media_permission("residents/", "incentives.view_groupmembership")

        dossier_sections.register()
        portal_cards.register()
