"""Reads of service reviews (服务评价) for the public pages of a worker or an enterprise, the
dossier and the statistics. Only published reviews count in a summary; each function runs a
fixed number of queries whatever the number of reviews.

The rating engine does not read these: it reads the credit records the reviews produce
(`reviews.services`), so a hidden review stops counting everywhere at once.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet, Window

from core.periods import period_filter
from core.personal_data import mask_person_name
from registry.models import Enterprise, Township, Worker

from .models import ServiceReview

PUBLISHED = ServiceReview.Status.PUBLISHED
HIDDEN = ServiceReview.Status.HIDDEN
DOSSIER_REVIEWS = 50


def _rounded(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReviewSummary:
    count: int
    quality: Decimal | None
    punctuality: Decimal | None
    attitude: Decimal | None
    overall: Decimal | None  # the mean of the three dimensions over every review

    @property
    def dimensions(self) -> list[tuple[str, Decimal | None]]:
        return [
            ("服务质量", self.quality),
            ("准时守约", self.punctuality),
            ("服务态度", self.attitude),
        ]


EMPTY_SUMMARY = ReviewSummary(0, None, None, None, None)

_AGGREGATES = {
    "count": Count("id"),
    "quality": Avg("quality"),
    "punctuality": Avg("punctuality"),
    "attitude": Avg("attitude"),
}


def summary_from_aggregate(row: dict) -> ReviewSummary:
    """A summary from an aggregate row with count, quality, punctuality and attitude."""
    if not row.get("count"):
        return EMPTY_SUMMARY
    return ReviewSummary(
        count=row["count"],
        quality=_rounded(row["quality"]),
        punctuality=_rounded(row["punctuality"]),
        attitude=_rounded(row["attitude"]),
        # Every review has all three scores, so the mean of the three averages is the
        # average of the reviews' own averages.
        overall=_rounded(
            sum(Decimal(str(row[name])) for name in ("quality", "punctuality", "attitude")) / 3
        ),
    )


def _subject_filter(enterprise: Enterprise | None, worker: Worker | None) -> Q:
    if (enterprise is None) == (worker is None):
        raise ValueError("Name exactly one of enterprise and worker.")
    return Q(enterprise=enterprise) if enterprise is not None else Q(worker=worker)


def reviews_summarise(queryset: QuerySet[ServiceReview]) -> ReviewSummary:
    """Count and averages of the published reviews in `queryset` (one query)."""
    return summary_from_aggregate(queryset.filter(status=PUBLISHED).aggregate(**_AGGREGATES))


def review_summary(
    *, enterprise: Enterprise | None = None, worker: Worker | None = None
) -> ReviewSummary:
    """The published reviews of one enterprise or one worker (one query)."""
    return reviews_summarise(ServiceReview.objects.filter(_subject_filter(enterprise, worker)))


def review_summaries(*, enterprise_ids=None, worker_ids=None) -> dict[int, ReviewSummary]:
    """Summaries of many enterprises (or many workers) at once, for lists (one query)."""
    if (enterprise_ids is None) == (worker_ids is None):
        raise ValueError("Pass exactly one of enterprise_ids and worker_ids.")
    field, ids = (
        ("enterprise_id", enterprise_ids) if worker_ids is None else ("worker_id", worker_ids)
    )
    rows = (
        ServiceReview.objects.filter(status=PUBLISHED, **{f"{field}__in": list(ids)})
        .values(field)
        .annotate(**_AGGREGATES)
        .order_by()
    )
    return {row[field]: summary_from_aggregate(row) for row in rows}


def recent_reviews(
    *,
    enterprise: Enterprise | None = None,
    worker: Worker | None = None,
    limit: int = 10,
    include_hidden: bool = False,
) -> list[ServiceReview]:
    """The latest reviews of a subject, newest first. Public pages get published ones only;
    the dossier (staff) passes include_hidden=True and shows the status."""
    reviews = ServiceReview.objects.filter(_subject_filter(enterprise, worker))
    if not include_hidden:
        reviews = reviews.filter(status=PUBLISHED)
    return list(
        reviews.select_related("enterprise", "worker", "service_category").order_by(
            "-created_at", "-id"
        )[:limit]
    )


def dossier_reviews(
    *, enterprise: Enterprise | None = None, worker: Worker | None = None
) -> QuerySet[ServiceReview]:
    """The dossier's reviews of a subject (hidden ones too, for staff), newest first; each
    carries the summary of the subject's published reviews as window aggregates, so that
    `dossier_review_summary` needs no query of its own."""
    published = Q(status=PUBLISHED)
    return (
        ServiceReview.objects.filter(_subject_filter(enterprise, worker))
        .select_related("enterprise", "worker", "service_category")
        .annotate(
            summary_count=Window(Count("id", filter=published)),
            summary_quality=Window(Avg("quality", filter=published)),
            summary_punctuality=Window(Avg("punctuality", filter=published)),
            summary_attitude=Window(Avg("attitude", filter=published)),
        )
        .order_by("-created_at", "-id")[:DOSSIER_REVIEWS]
    )


def dossier_review_summary(reviews: list[ServiceReview]) -> ReviewSummary:
    """The published reviews' summary carried by the rows of `dossier_reviews`."""
    if not reviews:
        return EMPTY_SUMMARY
    first = reviews[0]
    return summary_from_aggregate({name: getattr(first, f"summary_{name}") for name in _AGGREGATES})


@dataclass(frozen=True)
class ReviewStatistics:
    summary: ReviewSummary  # the published reviews
    hidden: int


def review_statistics(
    *,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    township: Township | None = None,
) -> ReviewStatistics:
    """The reviews written between two local dates (inclusive), optionally in one township:
    the enterprise's, or for a review of a worker alone the worker's (one query)."""
    reviews = ServiceReview.objects.filter(**period_filter("created_at", date_from, date_to))
    if township is not None:
        reviews = reviews.filter(
            Q(enterprise__township=township) | Q(enterprise__isnull=True, worker__township=township)
        )
    row = reviews.aggregate(
        count=Count("id", filter=Q(status=PUBLISHED)),
        quality=Avg("quality", filter=Q(status=PUBLISHED)),
        punctuality=Avg("punctuality", filter=Q(status=PUBLISHED)),
        attitude=Avg("attitude", filter=Q(status=PUBLISHED)),
        hidden=Count("id", filter=Q(status=HIDDEN)),
    )
    hidden = row.pop("hidden")
    return ReviewStatistics(summary=summary_from_aggregate(row), hidden=hidden)


def review_worker_card(worker: Worker) -> dict:
    """What the public review form may show about a worker: the masked name and current
    employers, never the ID number or phone (one query)."""
    employers = list(
        Enterprise.objects.employing(worker).order_by("name").values("id", "name").distinct()
    )
    return {
        "masked_name": mask_person_name(worker.name),
        "employers": employers,
    }
