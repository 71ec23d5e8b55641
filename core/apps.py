from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    """The shared kit: no models of the domain, imported by every app, importing none."""

    name = "core"
    verbose_name = "公共组件"

    def ready(self) -> None:
        from . import audit_log
        from .checks import personal_data_keys_check, retired_settings_check
        from .metrics import task_signals

        checks.register(personal_data_keys_check, "personal_data")
        checks.register(retired_settings_check)
        audit_log.connect()
        task_signals.connect()
        language_info_add()


# Django knows no Tibetan: its name for the language switch and get_language_info.
BO_LANG_INFO = {"bidi": False, "code": "bo", "name": "Tibetan", "name_local": "བོད་ཡིག"}


def language_info_add() -> None:
    from django.conf.locale import LANG_INFO

    LANG_INFO.setdefault("bo", BO_LANG_INFO)
