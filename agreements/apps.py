from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection(
        "agreements:verify",
        _("服务约定查验"),
        _("输入家政企业出具的标准化服务约定编号和您的手机号码，核对并确认约定内容。"),
        order=35,
    ),
)


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "标准化服务约定"

    def ready(self) -> None:
        from . import code_purposes, dossier_sections, portal_cards

        code_purposes.register()
        dossier_sections.register()
        portal_cards.register()
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
