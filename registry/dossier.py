"""The dossier (档案) page is composed of sections; this is its extension point.

`registry` registers its own sections; `credit`, `complaints` and `incentives` register theirs
from their AppConfig.ready(), so this app never imports them. A section names the template
that renders it and a function that builds its context through the owning app's selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

ENTERPRISE = "enterprise"
WORKER = "worker"


@dataclass(frozen=True)
class DossierSection:
    key: str
    title: str
    subject_type: str  # ENTERPRISE or WORKER
    template: str
    context: Callable  # (subject, user) -> dict
    order: int = 100
    permission: str | None = None  # users without it do not see the section at all


@dataclass(frozen=True)
class RenderedSection:
    key: str
    title: str
    html: str


_sections: dict[tuple[str, str], DossierSection] = {}


def register_section(section: DossierSection) -> None:
    """Add (or replace, by key) a section; called from an app's ready()."""
    _sections[(section.subject_type, section.key)] = section


def sections_for(subject_type: str, subject, request, **extra) -> list[RenderedSection]:
    """Render every section the user may see; `extra` reaches every section's template."""
    user = request.user
    sections = sorted(
        (s for (kind, _), s in _sections.items() if kind == subject_type),
        key=lambda s: (s.order, s.key),
    )
    rendered = []
    for section in sections:
        if section.permission and not user.has_perm(section.permission):
            continue
        context = {**extra, **section.context(subject, user)}
        html = render_to_string(section.template, context, request=request)
        rendered.append(RenderedSection(key=section.key, title=section.title, html=html))
    return rendered


def registered_keys(subject_type: str) -> list[str]:
    return [key for (kind, key) in _sections if kind == subject_type]
