from django.apps import AppConfig

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection(
        "credit:lookup",
        "信用查询",
        "按企业名称或统一社会信用代码查询家政企业的信用等级。",
        order=10,
    ),
    PublicSection("credit:honor_roll", "诚信红榜", "AAA级诚信示范企业和优秀从业人员。", order=11),
    PublicSection("credit:standard", "评价标准", "家政行业信用评价标准与评分规则。", order=12),
    PublicSection(
        "workers:sign_in",
        "从业人员查档",
        "家政从业人员用手机号和短信验证码查看本人的信用档案。",
        order=49,
    ),
)


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = "信用评价"

    def ready(self) -> None:
        from . import (
            dossier_sections,
            inbox_sources,
            portal_cards,
            profile_sections,
            verification,
            worker_auth,
        )

        dossier_sections.register()
        inbox_sources.register()
        verification.register()
        portal_cards.register()
        profile_sections.register()
        worker_auth.register()
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
