from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection("complaints:new", _("我要投诉"), _("对家政服务不满意，可以在线投诉。"), order=30),
    PublicSection(
        "complaints:report",
        _("我要举报"),
        _("发现无证经营、虚假宣传、假冒服务证，可以在线举报。"),
        order=30,
    ),
    PublicSection(
        "complaints:track", _("投诉查询"), _("凭受理编号和手机号查询投诉办理进度。"), order=31
    ),
)


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉与评价"

    def ready(self) -> None:
        from registry.views import MEDIA_PERMISSIONS

        from . import dossier_sections, inbox_sources, portal_cards

        # Residents' attachments: the complaint officers (and readers of complaints) only.
        MEDIA_PERMISSIONS.register("complaints.view_complaint", key="complaints/")

        dossier_sections.register()
        inbox_sources.register()
        portal_cards.register()
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
