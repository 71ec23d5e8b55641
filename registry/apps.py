from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "档案管理"

    def ready(self) -> None:
        from . import dossier_sections

        dossier_sections.register()
