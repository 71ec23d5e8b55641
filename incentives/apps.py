from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection(
        "incentives:catalogue",
        _("守信激励"),
        _("信用良好的居民和企业可以享受的优惠与便利。"),
        order=20,
    ),
    PublicSection(
        "residents:register",
        _("居民登记"),
        _("居民在网上登记享受守信激励，可同时申请特殊群体认定；凭手机号查询登记进度。"),
        order=21,
    ),
    PublicSection(
        "bookings:new",
        _("预约家政服务"),
        _("说出需要的服务或预约免费家政咨询，推送给信用良好的企业接单；守信居民优先派单。"),
        order=22,
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
            inbox_sources,
            portal_cards,
            profile_sections,
            service_proofs,
        )

        # Proof of special-group membership (disability, subsistence allowance…).
        MEDIA_PERMISSIONS.register("incentives.view_groupmembership", key="residents/")

        code_purposes.register()
        dossier_sections.register()
        inbox_sources.register()
        portal_cards.register()
        profile_sections.register()
        service_proofs.register()
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
