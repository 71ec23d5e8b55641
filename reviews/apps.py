from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection("reviews:new", _("服务评价"), _("为已完成的家政服务打分评价。"), order=32),
)


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "服务评价"

    def ready(self) -> None:
        from registry.services.codes import code_purpose

        from . import dossier_sections, proofs, report_sections
        from .services import REVIEW_CODE_PURPOSE

        code_purpose(REVIEW_CODE_PURPOSE, "确认服务评价")
        proofs.register()

        dossier_sections.register()
        report_sections.register()
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
