from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection(
        "inspections:list",
        _("双随机抽查公示"),
        _("按信用等级随机抽取检查对象和检查人员，公示抽查结果。"),
        order=16,
    ),
)


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "双随机抽查"

    def ready(self) -> None:
        from registry.views import MEDIA_PERMISSIONS

        MEDIA_PERMISSIONS.register("inspections.view_inspection", key="inspections/")
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
