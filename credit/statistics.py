"""Rating statistics (评价统计) for the bureau's dashboard, the annual report and the posters.

Reads only, each in a bounded number of queries: grade distributions, supervision tasks,
changes to the evaluation standards, the list of rated subjects (streamed with a server-side
cursor) and the subjects the honour-roll posters show.
"""

import datetime
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from .models import (
    EvaluationStandard,
    Grade,
    Indicator,
    Rating,
    RatingRun,
    SupervisionTask,
    VetoRule,
)

# The same key-management rule as the honour roll's.

LIST_CHUNK = 5000


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = _tz()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


# --- The dashboard's figures ----------------------------------------------------------------


def grade_counts(years) -> list[dict]:
    """Ratings of `years` counted by year, grade and status, enterprises and workers apart
    (one query)."""
    return list(
        Rating.objects.filter(year__in=years)
        .values("year", "grade", "status")
        .annotate(
            enterprises=Count("id", filter=Q(enterprise__isnull=False)),
            workers=Count("id", filter=Q(worker__isnull=False)),
        )
    )


def final_rating_counts(year: int) -> dict[str, int]:
    """Subjects rated (graded) in the final ratings of `year`, and how many of them are AAA
    (one query)."""
    aaa = Q(grade=Grade.AAA)
    # A subject not graded (暂不评级) has not been rated that year.
    return (
        Rating.objects.filter(year=year, status=Rating.Status.FINAL)
        .exclude(grade=Grade.NOT_GRADED)
        .aggregate(
            enterprises=Count("id", filter=Q(enterprise__isnull=False)),
            workers=Count("id", filter=Q(worker__isnull=False)),
            aaa_enterprises=Count("id", filter=aaa & Q(enterprise__isnull=False)),
            aaa_workers=Count("id", filter=aaa & Q(worker__isnull=False)),
        )
    )


def supervision_counts(year: int, today: datetime.date) -> dict[str, int]:
    """Open and overdue supervision tasks, and those of `year` done (one query)."""
    return SupervisionTask.objects.aggregate(
        open=Count("id", filter=Q(status=SupervisionTask.Status.OPEN)),
        overdue=Count("id", filter=Q(status=SupervisionTask.Status.OPEN, due_on__lt=today)),
        done=Count("id", filter=Q(status=SupervisionTask.Status.DONE, rating__year=year)),
    )


def rating_run_done(year: int) -> bool:
    return RatingRun.objects.filter(year=year, status=RatingRun.Status.DONE).exists()


# --- Supervision of a year -------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisionRow:
    subject_type: str
    name: str
    township: str
    reason: str
    due_on: datetime.date
    status: str
    result: str
    checked_on: datetime.date | None
    findings: str


@dataclass(frozen=True)
class SupervisionSummary:
    total: int
    done: int
    passed: int
    failed: int
    open: int
    overdue: int
    cancelled: int


def supervision_of_year(year: int) -> tuple[list[SupervisionRow], SupervisionSummary]:
    """Spot checks of `year`'s B ratings, and those opened in the year without a rating."""
    start, end = _year_bounds(year)
    tasks = (
        SupervisionTask.objects.filter(
            Q(rating__year=year) | Q(rating__isnull=True, created_at__gte=start, created_at__lt=end)
        )
        .select_related("enterprise__township", "worker__township")
        .order_by("due_on", "id")
    )
    today = timezone.localdate()
    rows, counts = (
        [],
        dict.fromkeys(("done", "passed", "failed", "open", "overdue", "cancelled"), 0),
    )
    for task in tasks:
        subject = task.enterprise or task.worker
        rows.append(
            SupervisionRow(
                subject_type="企业" if task.enterprise_id else "从业人员",
                name=subject.name,
                township=subject.township.name if subject.township_id else "",
                reason=task.reason,
                due_on=task.due_on,
                status=task.get_status_display(),
                result=task.get_result_display() if task.result else "",
                checked_on=task.checked_on,
                findings=task.findings,
            )
        )
        if task.status == SupervisionTask.Status.DONE:
            counts["done"] += 1
            counts["passed"] += task.result == SupervisionTask.Result.PASSED
            counts["failed"] += task.result == SupervisionTask.Result.FAILED
        elif task.status == SupervisionTask.Status.OPEN:
            counts["open"] += 1
            counts["overdue"] += task.due_on < today
        else:
            counts["cancelled"] += 1
    return rows, SupervisionSummary(total=len(rows), **counts)


# --- Changes to the evaluation standards -----------------------------------------------------


@dataclass(frozen=True)
class StandardChange:
    changed_at: datetime.datetime
    what: str  # 评价标准 / 评价指标 / 否决情形
    standard: str
    change_type: str  # 新增 / 修改 / 删除
    user: str
    content: str


CHANGE_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
HISTORY_SKIP = {"id", "created_at", "locked_at", "params"}


def _display(value) -> str:
    if value is None or value == "":
        return "（空）"
    return str(value)


def _changes_of(model, what: str, year: int, standard_names: dict[int, str]):
    """History rows of `model` in `year`, with what each modification changed."""
    history = model.history.model
    start, end = _year_bounds(year)
    in_year = list(
        history.objects.filter(history_date__gte=start, history_date__lt=end)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if not in_year:
        return []
    # The versions before each modification, in one query.
    earlier: dict[int, list] = {}
    for row in history.objects.filter(
        id__in={r.id for r in in_year}, history_date__lt=end
    ).order_by("history_date", "history_id"):
        earlier.setdefault(row.id, []).append(row)
    fields = [
        f for f in model._meta.fields if f.name not in HISTORY_SKIP and hasattr(history, f.attname)
    ]
    changes = []
    for row in in_year:
        versions = earlier.get(row.id, [])
        position = next(i for i, v in enumerate(versions) if v.history_id == row.history_id)
        previous = versions[position - 1] if position else None
        if row.history_type == "~" and previous is not None:
            parts = [
                f"{f.verbose_name}：{_display(getattr(previous, f.attname))}"
                f" → {_display(getattr(row, f.attname))}"
                for f in fields
                if getattr(previous, f.attname) != getattr(row, f.attname)
            ]
            content = "；".join(parts) or "（无字段变化）"
        else:
            label = _history_label(model, row, standard_names)
            content = f"{CHANGE_TYPES[row.history_type]}：{label}"
        if row.history_change_reason:
            content += f"（原因：{row.history_change_reason}）"
        standard_id = row.id if model is EvaluationStandard else row.standard_id
        user = row.history_user
        changes.append(
            StandardChange(
                changed_at=row.history_date,
                what=what,
                standard=standard_names.get(standard_id, f"已删除的标准#{standard_id}"),
                change_type=CHANGE_TYPES[row.history_type],
                user=(user.get_full_name() or user.get_username()) if user else "系统",
                content=content,
            )
        )
    return changes


def _history_label(model, row, standard_names) -> str:
    if model is EvaluationStandard:
        return standard_names.get(row.id, row.title)
    if model is Indicator:
        return f"{row.code} {row.name}（{row.weight}分）"
    return row.description


def standard_changes(year: int) -> list[StandardChange]:
    """Changes to the evaluation standards, their indicators and veto rules during `year`
    (django-simple-history), oldest first: four queries per kind of record at most."""
    standard_names = {s.pk: str(s) for s in EvaluationStandard.objects.all()}
    changes = [
        *_changes_of(EvaluationStandard, "评价标准", year, standard_names),
        *_changes_of(Indicator, "评价指标", year, standard_names),
        *_changes_of(VetoRule, "否决情形", year, standard_names),
    ]
    changes.sort(key=lambda c: c.changed_at)
    return changes


# --- The list of rated subjects (streamed) --------------------------------------------------

RATING_COLUMNS = ("compliance", "quality", "reputation", "commitment", "total", "grade")


def rated_subject_count(year: int) -> int:
    return _listed_ratings(year).count()


def _listed_ratings(year: int):
    return Rating.objects.filter(
        year=year, status__in=(Rating.Status.PUBLICISED, Rating.Status.FINAL)
    )


def rated_subject_rows(year: int, chunk_size: int = LIST_CHUNK) -> Iterator[list]:
    """One row per publicised or final rating of `year`: enterprises, then workers, each by
    score. Read with a server-side cursor `chunk_size` rows at a time."""
    grades = dict(Rating._meta.get_field("grade").choices)
    statuses = dict(Rating.Status.choices)
    number = 0
    for subject, label, name, code, township in (
        (
            "enterprise",
            "企业",
            "enterprise__name",
            "enterprise__uscc",
            "enterprise__township__name",
        ),
        (
            "worker",
            "从业人员",
            "worker__name",
            "worker__id_number_masked",
            "worker__township__name",
        ),
    ):
        rows = (
            _listed_ratings(year)
            .filter(**{f"{subject}__isnull": False})
            .order_by("-total", f"{subject}_id")
            .values_list(name, code, township, *RATING_COLUMNS, "vetoed", "status")
            .iterator(chunk_size=chunk_size)
        )
        for name_, code_, town, comp, qual, rep, com, total, grade, vetoed, status in rows:
            number += 1
            yield [
                number, label, name_, code_, town or "", comp, qual, rep, com, total,
                grades.get(grade, grade), "是" if vetoed else "", statuses.get(status, status),
            ]  # fmt: skip


# --- The honour roll's posters ------------------------------------------------------------
# The honour roll's rules (a FINAL AAA rating of the year; an enterprise still operating;
# nobody on the key-management list; the best HONOR_ROLL_WORKERS workers) are those of
# `selectors.honor_roll`, whose rows carry no ids; a test keeps both lists equal.


def final_rating_years() -> list[int]:
    """Years with final ratings, the latest first."""
    return list(
        Rating.objects.filter(status=Rating.Status.FINAL)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
