from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection(
        "services:standards",
        _("服务标准与指导价"),
        _("每项家政服务的标准流程、服务承诺和指导价格，可对照账单核对。"),
        order=13,
    ),
)


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "档案管理"

    def ready(self) -> None:
        from core import page_cache

        from . import dossier_sections, inbox_sources, portal_cards, portal_pages, profile_sections
        from .models import (
            BackgroundCheck,
            Employment,
            Enterprise,
            HealthCertificate,
            ServiceCategory,
            SkillCertificate,
            Township,
            TrainingRecord,
            Worker,
            WorkerCard,
        )

        page_cache.bump_on_change([page_cache.PUBLIC_CHOICES], Township, ServiceCategory)
        # What /verify/<token>/ shows (its checks registered by other apps bump it too).
        page_cache.bump_on_change(
            [page_cache.VERIFICATION],
            Worker,
            WorkerCard,
            Employment,
            Enterprise,
            HealthCertificate,
            BackgroundCheck,
            SkillCertificate,
            TrainingRecord,
        )

        dossier_sections.register()
        inbox_sources.register()
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
        portal_cards.register()
        portal_pages.register()
        profile_sections.register()
