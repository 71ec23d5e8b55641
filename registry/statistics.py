"""Register statistics (登记统计) for the bureau's dashboard and the home page: counts made in
the database, a fixed number of queries each."""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from .models import (
    ChangeRequest,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    Township,
    TrainingRecord,
    Validity,
    Worker,
)

# Counted by township id before the township's name is joined, from the (township,
# completeness) index alone; a township of NULL: not recorded.
BY_TOWNSHIP_SQL = """
SELECT t.sort_order, t.name, c.total, c.complete
FROM (SELECT township_id, COUNT(*) AS total, COUNT(*) FILTER (WHERE completeness = 100)
      AS complete FROM {table} GROUP BY township_id) AS c
LEFT JOIN {townships} AS t ON t.id = c.township_id
"""


def register_counts_by_township() -> dict[str, list[dict]]:
    """Enterprises and workers registered in each township (a township of None: not
    recorded) and those whose dossier is complete: one pass over an index of each table
    (two queries). The 摸排 figures show the rows; their sums are the registers' totals."""
    counts = {}
    with connection.cursor() as cursor:
        for key, model in (("enterprises", Enterprise), ("workers", Worker)):
            sql = BY_TOWNSHIP_SQL.format(
                table=connection.ops.quote_name(model._meta.db_table),
                townships=connection.ops.quote_name(Township._meta.db_table),
            )
            cursor.execute(sql)
            counts[key] = [
                {
                    "township__sort_order": sort_order,
                    "township__name": name,
                    "total": total,
                    "complete": complete,
                }
                for sort_order, name, total, complete in cursor.fetchall()
            ]
    return counts


def register_counts(by_township: dict[str, list[dict]] | None = None) -> dict[str, dict[str, int]]:
    """Registered enterprises and workers, and those whose dossier is complete: the sums of
    `register_counts_by_township` (two queries unless its rows are given)."""
    by_township = by_township if by_township is not None else register_counts_by_township()
    return {
        key: {
            "total": sum(row["total"] for row in rows),
            "complete": sum(row["complete"] for row in rows),
        }
        for key, rows in by_township.items()
    }


def subject_totals() -> dict[str, int]:
    """Registered enterprises and workers (two queries)."""
    return {"enterprises": Enterprise.objects.count(), "workers": Worker.objects.count()}


def document_validity_counts() -> dict[str, dict[str, int]]:
    """Enterprise licences ("qualifications") and health certificates expiring soon or
    expired (two queries, each read from the validity index: most documents are valid)."""
    counts = {}
    for key, model in (
        ("qualifications", EnterpriseQualification),
        ("health_certificates", HealthCertificate),
    ):
        counts[key] = model.objects.filter(
            validity__in=(Validity.EXPIRING, Validity.EXPIRED)
        ).aggregate(
            expiring=Count("id", filter=Q(validity=Validity.EXPIRING)),
            expired=Count("id", filter=Q(validity=Validity.EXPIRED)),
        )
    return counts


@dataclass
class ReviewTargetRow:
    """Requests and uploads of one track (绿色通道 or the others) reviewed in a year."""

    label: str
    target_days: int
    handled: int = 0
    on_time: int = 0
    waiting: int = 0
    overdue: int = 0

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.handled, 1) if self.handled else None


def review_targets(year: int, today: date, fast_days: int, other_days: int):
    """(绿色通道 row, other row): change requests decided and uploaded documents verified in
    `year`, how many within their target, and how many wait (overdue ones counted apart).
    Three queries."""
    rows = {
        True: ReviewTargetRow("绿色通道", fast_days),
        False: ReviewTargetRow("其他", other_days),
    }
    sources = (
        (ChangeRequest.objects.exclude(status=ChangeRequest.Status.WITHDRAWN), "decided_at",
         Q(status=ChangeRequest.Status.PENDING)),
        (HealthCertificate.objects.all(), "verified_at", Q(verified=False)),
        (TrainingRecord.objects.all(), "verified_at", Q(verified=False)),
    )  # fmt: skip
    for queryset, done_field, waiting in sources:
        counts = (
            queryset.filter(review_due_on__isnull=False)
            .annotate(done_on=TruncDate(done_field))
            .values("fast_track")
            .annotate(
                handled=Count("id", filter=Q(done_on__year=year)),
                on_time=Count("id", filter=Q(done_on__year=year, done_on__lte=F("review_due_on"))),
                waiting=Count("id", filter=waiting),
                overdue=Count("id", filter=waiting & Q(review_due_on__lt=today)),
            )
            .order_by()
        )
        for row in counts:
            target = rows[row["fast_track"]]
            for key in ("handled", "on_time", "waiting", "overdue"):
                setattr(target, key, getattr(target, key) + row[key])
    return rows[True], rows[False]
