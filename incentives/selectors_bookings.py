"""Reads of booking requests: a resident's own, an enterprise's offers, the dashboard's
figures (was priority kept; consultations given against the measure's limit)."""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Case, Value, When
from django.utils import timezone

from registry.models import Enterprise

from .models import BenefitKind, BookingOffer, BookingRequest, IncentiveMeasure

MINE_SHOWN = 50


def bookings_of(mobile_hash: str) -> list[BookingRequest]:
    return list(
        BookingRequest.objects.filter(mobile_hash=mobile_hash)
        .select_related("category", "township", "enterprise")
        .order_by("-created_at")[:MINE_SHOWN]
    )


def booking_of(mobile_hash: str, number: str) -> BookingRequest | None:
    return (
        BookingRequest.objects.filter(mobile_hash=mobile_hash, number=number)
        .select_related("category", "township", "enterprise")
        .first()
    )


def enterprise_offers(enterprise: Enterprise, now: datetime | None = None):
    """The offers the enterprise can see (reached by its tier), priority first, then the
    waiting ones, then the newest."""
    now = now or timezone.now()
    return (
        BookingOffer.objects.filter(enterprise=enterprise, visible_from__lte=now)
        .select_related("booking__category", "booking__township", "booking__enterprise")
        .annotate(
            waiting=Case(
                When(
                    status=BookingOffer.Status.PENDING,
                    booking__status=BookingRequest.Status.OPEN,
                    then=Value(0),
                ),
                default=Value(1),
            )
        )
        .order_by("waiting", "-booking__is_priority", "-booking__created_at")
    )


def waiting_offers_count(enterprise: Enterprise, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return BookingOffer.objects.filter(
        enterprise=enterprise,
        visible_from__lte=now,
        status=BookingOffer.Status.PENDING,
        booking__status=BookingRequest.Status.OPEN,
    ).count()


@dataclass(frozen=True)
class ResponseRow:
    label: str
    requests: int
    accepted: int
    unanswered: int
    median_minutes: float | None
    within_target: int
    target_hours: int

    @property
    def within_target_percent(self) -> float | None:
        return round(100 * self.within_target / self.accepted, 1) if self.accepted else None


@dataclass(frozen=True)
class ConsultationRow:
    measure: IncentiveMeasure
    given: int
    residents: int
    residents_at_limit: int


@dataclass(frozen=True)
class BookingFigures:
    year: int
    priority: ResponseRow
    other: ResponseRow
    consultations: list[ConsultationRow]
    open_now: int

    @property
    def rows(self) -> list[ResponseRow]:
        return [self.priority, self.other]

    @property
    def priority_kept(self) -> bool | None:
        """Priority requests were answered faster (median) than the others."""
        if self.priority.median_minutes is None or self.other.median_minutes is None:
            return None
        return self.priority.median_minutes <= self.other.median_minutes


def _row(label: str, rows: list[tuple], target_hours: int) -> ResponseRow:
    """`rows`: (status, created_at, accepted_at, respond_by) of the requests."""
    waits = [
        (accepted - created).total_seconds() / 60
        for _, created, accepted, _ in rows
        if accepted is not None
    ]
    return ResponseRow(
        label=label,
        requests=len(rows),
        accepted=len(waits),
        unanswered=sum(1 for status, *_ in rows if status == BookingRequest.Status.UNANSWERED),
        median_minutes=round(statistics.median(waits), 1) if waits else None,
        within_target=sum(
            1 for _, _, accepted, due in rows if accepted is not None and accepted <= due
        ),
        target_hours=target_hours,
    )


def booking_figures(year: int | None = None) -> BookingFigures:
    """The year's requests (cancelled ones left out) in three queries."""
    year = year or timezone.localdate().year
    start = timezone.make_aware(datetime(year, 1, 1))
    end = timezone.make_aware(datetime(year + 1, 1, 1))
    rows = list(
        BookingRequest.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=BookingRequest.Status.CANCELLED)
        .values_list(
            "status",
            "created_at",
            "accepted_at",
            "respond_by",
            "is_priority",
            "consultation_measure_id",
            "resident_id",
        )
    )
    given: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for status, *_, measure_id, resident_id in rows:
        if measure_id is not None and status == BookingRequest.Status.ACCEPTED:
            given[measure_id][resident_id] += 1
    consultations = [
        ConsultationRow(
            measure=measure,
            given=sum(given[measure.pk].values()),
            residents=len(given[measure.pk]),
            residents_at_limit=sum(
                1
                for n in given[measure.pk].values()
                if measure.limit_count and n >= measure.limit_count
            ),
        )
        for measure in IncentiveMeasure.objects.filter(benefit_kind=BenefitKind.FREE_CONSULTATION)
    ]
    return BookingFigures(
        year=year,
        priority=_row(
            "优先预约",
            [row[:4] for row in rows if row[4]],
            settings.BOOKING_PRIORITY_RESPONSE_HOURS,
        ),
        other=_row(
            "普通预约", [row[:4] for row in rows if not row[4]], settings.BOOKING_RESPONSE_HOURS
        ),
        consultations=consultations,
        open_now=BookingRequest.objects.filter(status=BookingRequest.Status.OPEN).count(),
    )
