"""The public enterprise profile (/enterprises/<id>/) is composed of sections; this is its
extension point, as registry.dossier is the dossier's.

`registry` registers its own sections (licences, services and prices, workers holding valid
cards) into `PROFILE_SECTIONS` (a core.plugins registry); `credit` (grades, honours, the
credit pledge) and `incentives` (measures taken part in) register theirs from their
AppConfig.ready(), so this app never imports them. The page is public: a section's context
function reads through its app's selectors and returns only what anyone may see — never an
ID number or a worker's mobile, and workers' names masked.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

from core.plugins import Registry

from .dossier import RenderedSection


@dataclass(frozen=True)
class ProfileSection:
    key: str
    title: str
    template: str
    context: Callable  # (enterprise) -> dict
    order: int = 100


PROFILE_SECTIONS: Registry[ProfileSection] = Registry("enterprise profile sections")


def register_profile_section(section: ProfileSection) -> None:
    """Add a section; called from an app's ready()."""
    PROFILE_SECTIONS.register(section)


def profile_sections(enterprise, request) -> list[RenderedSection]:
    rendered = []
    for section in PROFILE_SECTIONS:
        context = {"enterprise": enterprise, **section.context(enterprise)}
        html = render_to_string(section.template, context, request=request)
        rendered.append(RenderedSection(key=section.key, title=section.title, html=html))
    return rendered
