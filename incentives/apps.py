from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = "守信激励"

    def ready(self) -> None:
        from . import dossier_sections

        dossier_sections.register()
