from django.apps import AppConfig

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection(
        "incentives:catalogue",
        "守信激励",
        "信用良好的居民和企业可以享受的优惠与便利。",
        order=20,
    ),
)


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = "守信激励"

    def ready(self) -> None:
        from registry.views import MEDIA_PERMISSIONS

        from . import (
            code_purposes,
            dossier_sections,
            portal_cards,
            profile_sections,
            service_proofs,
        )

        # Proof of special-group membership (disability, subsistence allowance…).
        MEDIA_PERMISSIONS.register("incentives.view_groupmembership", key="residents/")

        code_purposes.register()
        dossier_sections.register()
        portal_cards.register()
        profile_sections.register()
        service_proofs.register()
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
