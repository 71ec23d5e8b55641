"""The public sections linked from the home page and the public navigation.

Each app registers its public pages into `PUBLIC_SECTIONS` (a core.plugins registry keyed by
URL name) from its AppConfig.ready(); the project's context processor lists them. A section
is listed only once its URL exists, so the home page never links to a page that has not been
built yet.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .plugins import Registry


@dataclass(frozen=True)
class PublicSection:
    url_name: str
    title: str
    summary: str
    order: int = 100

    @property
    def key(self) -> str:
        return self.url_name


PUBLIC_SECTIONS: Registry[PublicSection] = Registry("public sections")


def available_sections() -> list[dict[str, str]]:
    sections = []
    for section in PUBLIC_SECTIONS:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        sections.append({"url": url, "title": section.title, "summary": section.summary})
    return sections
