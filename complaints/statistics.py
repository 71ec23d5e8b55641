"""Complaint statistics (投诉统计) for the admin report and the bureau's dashboard.

`complaint_statistics()` counts the complaints received in a period (by the local date of
`received_at`, Asia/Shanghai) by channel, case type (投诉/举报), category, enterprise,
township, month and status, measures how many stages were finished within their statutory
deadlines, and sums up residents' satisfaction. Everything is aggregated in the database:
a fixed number of queries (seven) whatever the number of complaints. 举报 are counted by
their own categories (`by_report_category`), apart from the complaint categories.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth

from core.periods import local_tz, period_filter
from registry.models import Township

from .models import CaseType, Category, Channel, Complaint, DeadlineState, ReportCategory, Status

TOP_ENTERPRISES = 10
UNLINKED_LABEL = "未关联企业"
OTHERS_LABEL = "其他企业"


@dataclass(frozen=True)
class CountRow:
    key: str | int | None
    label: str
    count: int


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date  # the first day of the month
    count: int

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


@dataclass(frozen=True)
class DeadlineShare:
    """How many of the cases that finished a stage finished it within its deadline."""

    label: str
    measured: int
    on_time: int

    @property
    def late(self) -> int:
        return self.measured - self.on_time

    @property
    def percent(self) -> Decimal | None:
        return percent(self.on_time, self.measured)


@dataclass(frozen=True)
class ComplaintStatistics:
    date_from: datetime.date | None
    date_to: datetime.date | None
    township: Township | None
    total: int
    by_channel: list[CountRow]  # web, phone, visit, letter, 12345, 12315
    by_case_type: list[CountRow]  # 投诉, 举报
    by_category: list[CountRow]  # 投诉 only
    by_report_category: list[CountRow]  # 举报 only
    by_enterprise: list[CountRow]  # the top N, then 其他企业 and 未关联企业 when not empty
    by_township: list[CountRow]
    by_month: list[MonthRow]
    by_status: list[CountRow]
    substantiated: int
    acceptance: DeadlineShare  # decided (accepted or not) by acceptance_due
    mediation: DeadlineShare  # mediation ended by mediation_due
    notification: DeadlineShare  # closed by notification_due
    overdue_open: int  # open cases past a deadline now
    satisfaction_average: Decimal | None
    satisfaction_count: int
    satisfaction_distribution: list[CountRow]  # 1–5 stars

    @property
    def deadline_shares(self) -> list[DeadlineShare]:
        return [self.acceptance, self.mediation, self.notification]

    @property
    def substantiated_percent(self) -> Decimal | None:
        return percent(self.substantiated, self.total)


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent to one decimal, or None when there is nothing to measure."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _period(
    year: int | None, date_from: datetime.date | None, date_to: datetime.date | None
) -> tuple[datetime.date | None, datetime.date | None]:
    if year is not None:
        date_from = max(date_from or datetime.date(year, 1, 1), datetime.date(year, 1, 1))
        date_to = min(date_to or datetime.date(year, 12, 31), datetime.date(year, 12, 31))
    return date_from, date_to


def complaints_in_period(
    date_from: datetime.date | None, date_to: datetime.date | None, township=None
) -> QuerySet[Complaint]:
    """Complaints received between two local dates (inclusive), as a range on the indexed
    `received_at` column."""
    complaints = Complaint.objects.filter(**period_filter("received_at", date_from, date_to))
    if township is not None:
        complaints = complaints.filter(township=township)
    return complaints


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _on_time(done: str, due: str) -> Q:
    """The stage ended (`done` set) on or before its due date, compared as local dates."""
    return Q(**{f"{done}_day__lte": F(due)})


def _counts(complaints: QuerySet[Complaint], field: str) -> dict:
    return {
        row[field]: row["n"] for row in complaints.values(field).annotate(n=Count("id")).order_by()
    }


def _by_enterprise(complaints, total_linked: int, unlinked: int, top: int) -> list[CountRow]:
    rows = (
        complaints.filter(enterprise__isnull=False)
        .values("enterprise_id", "enterprise__name")
        .annotate(n=Count("id"))
        .order_by("-n", "enterprise__name", "enterprise_id")[:top]
    )
    result = [CountRow(r["enterprise_id"], r["enterprise__name"], r["n"]) for r in rows]
    others = total_linked - sum(r.count for r in result)
    if others:
        result.append(CountRow("others", OTHERS_LABEL, others))
    if unlinked:
        result.append(CountRow(None, UNLINKED_LABEL, unlinked))
    return result


def complaint_statistics(
    *,
    year: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    township: Township | None = None,
    top_enterprises: int = TOP_ENTERPRISES,
) -> ComplaintStatistics:
    """The figures of the complaints received in `year` (or between `date_from` and
    `date_to`, local dates, inclusive; both may be combined), optionally in one township."""
    date_from, date_to = _period(year, date_from, date_to)
    tz = local_tz()
    complaints = complaints_in_period(date_from, date_to, township)

    # 1. Totals, deadlines and satisfaction in one pass.
    measured = complaints.annotate(
        decided_day=TruncDate("decided_at", tzinfo=tz),
        mediation_ended_day=TruncDate("mediation_ended_at", tzinfo=tz),
        closed_day=TruncDate("closed_at", tzinfo=tz),
    )
    stars = {f"stars_{n}": Count("id", filter=Q(satisfaction=n)) for n in range(1, 6)}
    overview = measured.aggregate(
        total=Count("id"),
        unlinked=Count("id", filter=Q(enterprise__isnull=True)),
        substantiated=Count("id", filter=Q(substantiated=True)),
        decided=Count("id", filter=Q(decided_at__isnull=False)),
        decided_on_time=Count("id", filter=_on_time("decided", "acceptance_due")),
        mediated=Count("id", filter=Q(mediation_ended_at__isnull=False)),
        mediated_on_time=Count("id", filter=_on_time("mediation_ended", "mediation_due")),
        closed=Count("id", filter=Q(closed_at__isnull=False)),
        closed_on_time=Count("id", filter=_on_time("closed", "notification_due")),
        overdue_open=Count(
            "id", filter=Q(deadline_state=DeadlineState.OVERDUE) & ~Q(status=Status.CLOSED)
        ),
        **{f"channel_{c.value}": Count("id", filter=Q(channel=c.value)) for c in Channel},
        **{f"case_type_{t.value}": Count("id", filter=Q(case_type=t.value)) for t in CaseType},
        satisfaction_average=Avg("satisfaction"),
        satisfaction_count=Count("satisfaction"),
        first=Min("received_at"),
        last=Max("received_at"),
        **stars,
    )
    total = overview["total"]

    # 2–4. Category, status, township.
    # A 投诉 has only a category, a 举报 only a report category: one query counts both.
    categories, report_categories = {}, {}
    for row in complaints.values("category", "report_category").annotate(n=Count("id")).order_by():
        categories[row["category"]] = categories.get(row["category"], 0) + row["n"]
        key = row["report_category"]
        report_categories[key] = report_categories.get(key, 0) + row["n"]
    statuses = _counts(complaints, "status")
    townships = _counts(complaints, "township_id")
    # 5. All townships, so the table lists the ones without complaints too.
    township_rows = [
        CountRow(t.pk, t.name, townships.get(t.pk, 0))
        for t in Township.objects.order_by("sort_order", "name")
        if township is None or t.pk == township.pk
    ]
    # 6. Enterprises.
    by_enterprise = _by_enterprise(
        complaints, total - overview["unlinked"], overview["unlinked"], top_enterprises
    )
    # 7. Months, zero-filled over the period (or over the months that have complaints).
    per_month = {
        timezone_date(row["month"], tz): row["n"]
        for row in complaints.annotate(month=TruncMonth("received_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    }
    first = date_from or (overview["first"] and timezone_date(overview["first"], tz))
    last = date_to or (overview["last"] and timezone_date(overview["last"], tz))
    by_month = (
        [MonthRow(m, per_month.get(m, 0)) for m in _months(first, last)] if first and last else []
    )
    average = overview["satisfaction_average"]
    return ComplaintStatistics(
        date_from=date_from,
        date_to=date_to,
        township=township,
        total=total,
        by_channel=[CountRow(c.value, c.label, overview[f"channel_{c.value}"]) for c in Channel],
        by_case_type=[
            CountRow(t.value, t.label, overview[f"case_type_{t.value}"]) for t in CaseType
        ],
        by_category=[CountRow(c.value, c.label, categories.get(c.value, 0)) for c in Category],
        by_report_category=[
            CountRow(c.value, c.label, report_categories.get(c.value, 0)) for c in ReportCategory
        ],
        by_enterprise=by_enterprise,
        by_township=township_rows,
        by_month=by_month,
        by_status=[CountRow(s.value, s.label, statuses.get(s.value, 0)) for s in Status],
        substantiated=overview["substantiated"],
        acceptance=DeadlineShare("受理决定按期", overview["decided"], overview["decided_on_time"]),
        mediation=DeadlineShare("调解按期结束", overview["mediated"], overview["mediated_on_time"]),
        notification=DeadlineShare("告知办结按期", overview["closed"], overview["closed_on_time"]),
        overdue_open=overview["overdue_open"],
        satisfaction_average=(
            None
            if average is None
            else Decimal(str(average)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        ),
        satisfaction_count=overview["satisfaction_count"],
        satisfaction_distribution=[
            CountRow(n, f"{n}星", overview[f"stars_{n}"]) for n in range(1, 6)
        ],
    )


def timezone_date(moment: datetime.datetime | datetime.date, tz) -> datetime.date:
    """The local date of a datetime (TruncMonth already returns local midnight)."""
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(tz)
        return moment.date()
    return moment


@dataclass(frozen=True)
class SubstantiatedRow:
    name: str
    uscc: str
    township: str
    total: int
    by_category: list[int]  # in the order of Category


def substantiated_by_enterprise(year: int) -> list[SubstantiatedRow]:
    """Substantiated complaints received in `year`, per enterprise and category (one query);
    most first, then those naming no registered enterprise."""
    rows = (
        complaints_in_period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        .filter(substantiated=True, case_type=CaseType.COMPLAINT)
        .values(
            "enterprise_id",
            "enterprise__name",
            "enterprise__uscc",
            "enterprise__township__name",
            "category",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    categories = list(Category.values)
    grouped: dict[int | None, dict] = {}
    for row in rows:
        entry = grouped.setdefault(
            row["enterprise_id"],
            {
                "name": row["enterprise__name"] or UNLINKED_LABEL,
                "uscc": row["enterprise__uscc"] or "",
                "township": row["enterprise__township__name"] or "",
                "counts": [0] * len(categories),
            },
        )
        entry["counts"][categories.index(row["category"])] += row["n"]
    result = [
        SubstantiatedRow(e["name"], e["uscc"], e["township"], sum(e["counts"]), e["counts"])
        for key, e in grouped.items()
        if key is not None
    ]
    result.sort(key=lambda r: (-r.total, r.name))
    if None in grouped:
        e = grouped[None]
        result.append(SubstantiatedRow(e["name"], "", "", sum(e["counts"]), e["counts"]))
    return result
