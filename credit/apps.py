from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection(
        "credit:lookup",
        _("信用查询"),
        _("按企业名称或统一社会信用代码查询家政企业的信用等级。"),
        order=10,
    ),
    PublicSection(
        "credit:honor_roll", _("诚信红榜"), _("AAA级诚信示范企业和优秀从业人员。"), order=11
    ),
    PublicSection(
        "credit:standard", _("评价标准"), _("家政行业信用评价标准与评分规则。"), order=12
    ),
    PublicSection(
        "credit:publicity",
        _("结果公示"),
        _("年度信用评价结果公示名单，任何人都可以对公示结果提出意见。"),
        order=13,
    ),
    PublicSection(
        "credit:penalties",
        _("行政处罚公示"),
        _("公示期内的家政企业和从业人员行政处罚信息。"),
        order=14,
    ),
    PublicSection(
        "credit:key_list",
        _("重点管理名单"),
        _("因严重失信列入重点管理的企业和从业人员。"),
        order=15,
    ),
    PublicSection(
        "workers:sign_in",
        _("从业人员查档"),
        _("家政从业人员用手机号和短信验证码查看本人的信用档案。"),
        order=49,
    ),
)


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = "信用评价"

    def ready(self) -> None:
        from core import page_cache
        from registry.models import Enterprise, ServiceCategory, ServiceOffering, Township
        from registry.views import MEDIA_PERMISSIONS

        from . import (
            code_purposes,
            dossier_sections,
            fast_track,
            inbox_sources,
            metrics,
            portal_cards,
            profile_sections,
            verification,
        )
        from .models import EvaluationStandard, KeyListEntry, Rating

        # The look-up's results: bulk writes (rating transitions) bump it themselves.
        page_cache.bump_on_change(
            [page_cache.CREDIT_LOOKUP],
            Enterprise,
            Township,
            ServiceCategory,
            ServiceOffering,
            Rating,
            EvaluationStandard,
        )
        # The verification page's grades and key-management findings (credit.verification).
        page_cache.bump_on_change([page_cache.VERIFICATION], Rating, KeyListEntry)

        # Evidence sent with opinions from the public: personal data of their senders.
        MEDIA_PERMISSIONS.register("credit.view_publicityopinion", key="credit/opinions/")
        MEDIA_PERMISSIONS.register("credit.view_rectificationnotice", key="credit/rectification/")
        code_purposes.register()
        dossier_sections.register()
        fast_track.register()
        inbox_sources.register()
        metrics.register()
        verification.register()
        portal_cards.register()
        profile_sections.register()
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
