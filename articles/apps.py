from django.apps import AppConfig

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (PublicSection("news:list", "政策与案例", "政策解读、典型案例和通知公告。", order=40),)


class ArticlesConfig(AppConfig):
    """Publicity articles (宣传): typical cases, policy explanations and notices."""

    name = "articles"
    verbose_name = "宣传"

    def ready(self) -> None:
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
