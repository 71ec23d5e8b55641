"""What waits for the signed-in officer: the dashboard's inbox (待办事项).

Each app registers its kinds of waiting work into `INBOX_SOURCES` from its AppConfig.ready()
(change requests and uploads waiting for 核验 from registry, objections and repairs from
credit, complaints near or past their deadline from complaints); the admin site composes
them. Each row shows how many wait, how many are past their deadline, the nearest deadline
and the filtered admin list behind it. A row is shown to a user who may act on it (the
change permission on a list their admin may open, so the sensitive-records rule on health
certificates holds here too); a read-only user (领导), who acts on nothing, sees every row
their view permissions open, to oversee the backlog. One query for all the rows shown (each
source's aggregate, joined with UNION ALL), whatever the number of sources; never cached,
since it is each officer's own list and must be current.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.db import connection
from django.db.models import CharField, Count, DateField, Min, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from .plugins import Registry


@dataclass(frozen=True)
class InboxRow:
    label: str
    waiting: int
    overdue: int
    next_due: date | None
    url: str  # the filtered list of what waits
    overdue_url: str = ""
    note: str = ""


@dataclass(frozen=True)
class InboxSource:
    """A kind of waiting work: which rows of `model` wait, and how their deadline is read."""

    key: str
    order: int
    model: type
    label: str
    waiting: Callable[[date], Q]
    filters: dict
    due_field: str | None = None  # a date column: overdue when before today
    overdue: Callable[[date], Q] | None = None
    overdue_filters: dict | None = None
    note: str | Callable[[], str] = ""  # a callable when it states a setting read at runtime
    queryset: Callable[[], QuerySet] | None = None  # default: every row of the model


INBOX_SOURCES: Registry[InboxSource] = Registry("inbox sources")


def _changelist(model, filters: dict) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return url + "?" + "&".join(f"{k}={v}" for k, v in filters.items())


def _aggregate_sql(source: InboxSource, queryset: QuerySet, today: date) -> tuple[str, tuple]:
    """The SQL of one source's single-row aggregate: key, waiting, overdue, next due."""
    none = Value(None, output_field=DateField())
    aggregates = {"waiting": Count("pk"), "overdue": Value(0), "next_due": none}
    if source.due_field:
        aggregates["overdue"] = Count("pk", filter=Q(**{f"{source.due_field}__lt": today}))
        aggregates["next_due"] = Min(source.due_field)
    elif source.overdue:
        aggregates["overdue"] = Count("pk", filter=source.overdue(today))
    # Grouped by a constant only, so no GROUP BY: exactly one row, also when nothing waits.
    rows = (
        queryset.filter(source.waiting(today))
        .order_by()
        .annotate(inbox_key=Value(source.key, output_field=CharField()))
        .values("inbox_key")
        .annotate(**aggregates)
        .values_list("inbox_key", "waiting", "overdue", "next_due")
    )
    return rows.query.sql_with_params()


def _counts(sources: list[InboxSource], today: date) -> dict[str, tuple]:
    """{key: (waiting, overdue, next due)} of every source, in one statement."""
    if not sources:
        return {}
    parts, params = [], []
    for source in sources:
        queryset = source.queryset() if source.queryset else source.model._default_manager.all()
        sql, part_params = _aggregate_sql(source, queryset, today)
        parts.append(f"({sql})")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {key: (waiting, overdue, next_due) for key, waiting, overdue, next_due in cursor}


def _row(source: InboxSource, found: tuple) -> InboxRow | None:
    waiting, overdue, next_due = found
    if not waiting:
        return None
    return InboxRow(
        label=source.label,
        waiting=waiting,
        overdue=overdue or 0,
        next_due=next_due,
        url=_changelist(source.model, source.filters),
        overdue_url=(
            _changelist(source.model, source.overdue_filters) if source.overdue_filters else ""
        ),
        note=source.note() if callable(source.note) else source.note,
    )


def _may_change(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")


def staff_inbox(request, site: admin.AdminSite, today: date | None = None) -> list[InboxRow]:
    """The rows of work waiting that `request.user` may see on `site`, in the sources' order."""
    today = today or timezone.localdate()
    admins = [
        (source, site.get_model_admin(source.model))
        for source in INBOX_SOURCES
        if site.is_registered(source.model)
    ]
    # Workflow admins decide through their own pages and refuse the generic change form, so
    # acting is the model's change permission on a list the user's admin may open.
    acts = {
        source.key
        for source, model_admin in admins
        if model_admin.has_view_permission(request) and _may_change(request.user, source.model)
    }
    read_only = not acts
    shown = [
        source
        for source, model_admin in admins
        if source.key in acts or (read_only and model_admin.has_view_permission(request))
    ]
    counts = _counts(shown, today)
    rows = (_row(source, counts[source.key]) for source in shown)
    return [row for row in rows if row is not None]
