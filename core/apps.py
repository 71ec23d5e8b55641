from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    """The shared kit: no models of the domain, imported by every app, importing none."""

    name = "core"
    verbose_name = "公共组件"

    def ready(self) -> None:
        from .checks import personal_data_keys_check

        checks.register(personal_data_keys_check, "personal_data")
