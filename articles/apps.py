from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (
    PublicSection("news:list", _("政策与案例"), _("政策解读、典型案例和通知公告。"), order=40),
)


class ArticlesConfig(AppConfig):
    """Publicity articles (宣传): typical cases, policy explanations and notices."""

    name = "articles"
    verbose_name = "宣传"

    def ready(self) -> None:
        from core import page_cache

        from .models import Article

        page_cache.bump_on_change([page_cache.HOME], Article)
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)
