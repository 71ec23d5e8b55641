"""The dossier (档案) page is composed of sections; this is its extension point.

`registry` registers its own sections into `DOSSIER_SECTIONS` (a core.plugins registry);
`credit`, `complaints` and `incentives` register theirs from their AppConfig.ready(), so this
app never imports them. A section names the template
that renders it and a function that builds its context through the owning app's selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

from core.plugins import Registry

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


# Keyed by (subject_type, key): the enterprise and the worker page each have their own.
DOSSIER_SECTIONS: Registry[DossierSection] = Registry("dossier sections")


def register_section(section: DossierSection) -> None:
    """Add a section; called from an app's ready()."""
    DOSSIER_SECTIONS.register(section, key=(section.subject_type, section.key))


def sections_for(subject_type: str, subject, request, **extra) -> list[RenderedSection]:
    """Render every section the user may see; `extra` reaches every section's template."""
    user = request.user
    sections = [s for s in DOSSIER_SECTIONS if s.subject_type == subject_type]
    rendered = []
    for section in sections:
        if section.permission and not user.has_perm(section.permission):
            continue
        context = {**extra, **section.context(subject, user)}
        html = render_to_string(section.template, context, request=request)
        rendered.append(RenderedSection(key=section.key, title=section.title, html=html))
    return rendered


def registered_keys(subject_type: str) -> list[str]:
    return [key for (kind, key) in DOSSIER_SECTIONS.ordered_keys() if kind == subject_type]
