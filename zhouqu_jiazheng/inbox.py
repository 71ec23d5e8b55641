"""What waits for the signed-in officer: the dashboard's inbox (待办事项).

One row per kind of work — change requests from the portal, objections (decided within
CREDIT_OBJECTION_DECISION_DAYS), credit repairs (CREDIT_REPAIR_DECISION_DAYS), uploads waiting
for 核验, complaints near or past their deadline — each with how many wait, how many are past
their deadline, the nearest deadline and the filtered admin list behind it. A row is shown to
a user who may act on it (the change permission on a list their admin may open, so the
sensitive-records rule on health certificates holds here too); a read-only user (领导),
who acts on nothing, sees every row their view permissions open, to oversee the backlog.
One aggregate query per row shown; never cached, since it is each officer's own list and
must be current.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from complaints.limits import ACCEPTANCE_DAYS, MEDIATION_DAYS, NOTIFICATION_DAYS
from complaints.models import Complaint, DeadlineState
from credit.models import Objection, RepairRequest
from registry.models import ChangeRequest, HealthCertificate, TrainingRecord


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
class _Source:
    model: type
    label: str
    waiting: Callable[[date], Q]
    filters: dict
    due_field: str | None = None  # a date column: overdue when before today
    overdue: Callable[[date], Q] | None = None
    overdue_filters: dict | None = None
    note: str = ""
    queryset: Callable[[], QuerySet] | None = None  # default: every row of the model


SOURCES = [
    _Source(
        ChangeRequest,
        "企业信息变更申请待审核",
        lambda today: Q(status=ChangeRequest.Status.PENDING),
        {"status__exact": ChangeRequest.Status.PENDING},
        note="按提交先后审核",
    ),
    _Source(
        Objection,
        "信用异议待处理",
        lambda today: Q(status=Objection.Status.SUBMITTED),
        {"status__exact": Objection.Status.SUBMITTED},
        due_field="due_on",
        overdue_filters={"deadline": "overdue"},
        note="收到后{objection_days}日内处理",
    ),
    _Source(
        RepairRequest,
        "信用修复申请待审核",
        lambda today: Q(status=RepairRequest.Status.SUBMITTED),
        {"status__exact": RepairRequest.Status.SUBMITTED},
        due_field="due_on",
        overdue_filters={"deadline": "overdue"},
        note="收到后{repair_days}日内审核",
    ),
    _Source(
        HealthCertificate,
        "健康证待核验",
        lambda today: Q(verified=False),
        {"verified__exact": "0"},
        note="企业上传，核验后才计入档案；可在列表中勾选后批量核验",
    ),
    _Source(
        TrainingRecord,
        "培训记录待核验",
        lambda today: Q(verified=False),
        {"verified__exact": "0"},
        note="企业上传，核验后才计入档案；可在列表中勾选后批量核验",
    ),
    _Source(
        Complaint,
        "投诉临近或超过办理期限",
        lambda today: Q(deadline_state__in=[DeadlineState.DUE_SOON, DeadlineState.OVERDUE]),
        {"deadline": "attention"},
        overdue=lambda today: Q(deadline_state=DeadlineState.OVERDUE),
        overdue_filters={"deadline": DeadlineState.OVERDUE},
        note=(
            f"受理{ACCEPTANCE_DAYS}个工作日、调解{MEDIATION_DAYS}个工作日、"
            f"告知{NOTIFICATION_DAYS}个工作日"
        ),
        queryset=lambda: Complaint.objects.open(),
    ),
]


def _changelist(model, filters: dict) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return url + "?" + "&".join(f"{k}={v}" for k, v in filters.items())


def _row(source: _Source, queryset: QuerySet, today: date) -> InboxRow | None:
    aggregates = {"waiting": Count("pk")}
    if source.due_field:
        aggregates["overdue"] = Count("pk", filter=Q(**{f"{source.due_field}__lt": today}))
        aggregates["next_due"] = Min(source.due_field)
    elif source.overdue:
        aggregates["overdue"] = Count("pk", filter=source.overdue(today))
    found = queryset.filter(source.waiting(today)).aggregate(**aggregates)
    if not found["waiting"]:
        return None
    return InboxRow(
        label=source.label,
        waiting=found["waiting"],
        overdue=found.get("overdue") or 0,
        next_due=found.get("next_due"),
        url=_changelist(source.model, source.filters),
        overdue_url=(
            _changelist(source.model, source.overdue_filters) if source.overdue_filters else ""
        ),
        note=source.note.format(
            objection_days=settings.CREDIT_OBJECTION_DECISION_DAYS,
            repair_days=settings.CREDIT_REPAIR_DECISION_DAYS,
        ),
    )


def _may_change(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")


def staff_inbox(request, site: admin.AdminSite, today: date | None = None) -> list[InboxRow]:
    """The rows of work waiting that `request.user` may see on `site`, in the order above."""
    today = today or timezone.localdate()
    admins = [
        (source, site.get_model_admin(source.model))
        for source in SOURCES
        if site.is_registered(source.model)
    ]
    # Workflow admins decide through their own pages and refuse the generic change form, so
    # acting is the model's change permission on a list the user's admin may open.
    acts = {
        source.label
        for source, model_admin in admins
        if model_admin.has_view_permission(request) and _may_change(request.user, source.model)
    }
    read_only = not acts
    rows = []
    for source, model_admin in admins:
        if source.label not in acts and not (
            read_only and model_admin.has_view_permission(request)
        ):
            continue
        queryset = source.queryset() if source.queryset else source.model._default_manager.all()
        row = _row(source, queryset, today)
        if row is not None:
            rows.append(row)
    return rows
