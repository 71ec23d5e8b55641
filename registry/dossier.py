"""The dossier (档案) page is composed of sections; this is its extension point.

`registry` registers its own sections into `DOSSIER_SECTIONS` (a core.plugins registry);
`credit`, `complaints` and `incentives` register theirs from their AppConfig.ready(), so this
app never imports them. A section names the template
that renders it and a function that builds its context through the owning app's selectors.

A section may also declare the lists it shows (`lists`: querysets about the subject); the
page reads the lists of every section it shows, and the subject's own related lists, in one
query (core.json_rows), and hands each section its rows. A dossier thus costs the same few
queries however many apps contribute sections to it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import QuerySet
from django.template.loader import render_to_string

from core.json_rows import as_prefetched, fetch_lists
from core.plugins import Registry

ENTERPRISE = "enterprise"
WORKER = "worker"


@dataclass(frozen=True)
class DossierSection:
    key: str
    title: str
    subject_type: str  # ENTERPRISE or WORKER
    template: str
    # (subject, user) -> dict; with `lists`: (subject, user, rows) -> dict, where rows is
    # {name: [instances]} of the querysets `lists(subject, user)` returned.
    context: Callable
    order: int = 100
    permission: str | None = None  # users without it do not see the section at all
    lists: Callable[[object, object], Mapping[str, QuerySet]] | None = None


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


def sections_for(
    subject_type: str,
    subject,
    request,
    *,
    relations: Mapping[str, QuerySet] | None = None,
    **extra,
) -> list[RenderedSection]:
    """Render every section the user may see; `extra` reaches every section's template.

    `relations` ({reverse foreign key name: queryset}) are the subject's own related lists
    the sections read through `subject.<name>.all()`: they are read in the same query as
    the sections' lists."""
    user = request.user
    sections = [
        s
        for s in DOSSIER_SECTIONS
        if s.subject_type == subject_type and not (s.permission and not user.has_perm(s.permission))
    ]
    lists: dict[str, QuerySet] = {}
    for name, queryset in (relations or {}).items():
        back = getattr(subject, name).field.name
        lists[f"subject:{name}"] = queryset.filter(**{back: subject})
    for section in sections:
        if section.lists is not None:
            for name, queryset in section.lists(subject, user).items():
                lists[f"{section.key}:{name}"] = queryset
    rows = fetch_lists(lists)
    for name in relations or {}:
        as_prefetched(subject, name, rows[f"subject:{name}"])
    rendered = []
    for section in sections:
        if section.lists is None:
            own = section.context(subject, user)
        else:
            prefix = f"{section.key}:"
            mine = {
                key.removeprefix(prefix): value
                for key, value in rows.items()
                if key.startswith(prefix)
            }
            own = section.context(subject, user, mine)
        html = render_to_string(section.template, {**extra, **own}, request=request)
        rendered.append(RenderedSection(key=section.key, title=section.title, html=html))
    return rendered


def registered_keys(subject_type: str) -> list[str]:
    return [key for (kind, key) in DOSSIER_SECTIONS.ordered_keys() if kind == subject_type]
