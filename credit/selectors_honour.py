"""The honour roll (诚信红榜): who is praised for a year, decided once here for the public
honour roll page and for the printable posters.

The rules: a FINAL AAA rating of the year; an enterprise still operating; nobody on the
key-management list today; the best HONOR_ROLL_WORKERS workers. A worker is named in full,
with their photo, only while they consent (registry.PublicNameConsent, read on every
request, so a withdrawal takes effect at once); otherwise by the masked name, no photo."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.personal_data import mask_person_name
from registry.models import Employment, Enterprise, Worker
from registry.selectors import public_name_consenting

from .models import Grade, KeyListEntry, Rating

HONOR_ROLL_WORKERS = 50


@dataclass(frozen=True)
class HonorEnterprise:
    enterprise_id: int
    name: str
    township: str
    total: Decimal


@dataclass(frozen=True)
class HonorWorker:
    masked_name: str
    employer: str
    grade: str
    grade_label: str
    name: str = ""  # as the honour roll prints it: in full with consent, else masked
    photo_url: str = ""  # only with consent and a photo on file


@dataclass(frozen=True)
class PublicName:
    """How the honour roll and its posters name a worker."""

    name: str
    photo_url: str
    full: bool  # named in full (with the worker's consent)


def public_names(ratings: list[Rating]) -> dict[int, PublicName]:
    """{worker id: public name} for honour-roll ratings (their worker loaded; one query)."""
    consenting = public_name_consenting(r.worker_id for r in ratings)
    names = {}
    for rating in ratings:
        worker = rating.worker
        if worker.pk in consenting:
            photo = (
                reverse("credit:honor_roll_photo", args=[rating.year, worker.pk])
                if worker.photo
                else ""
            )
            names[worker.pk] = PublicName(worker.name, photo, True)
        else:
            names[worker.pk] = PublicName(mask_person_name(worker.name), "", False)
    return names


def honoured_worker_photo(year: int, worker_id: int) -> Worker | None:
    """The worker whose photo `year`'s honour roll shows: honoured that year, consenting and
    with a photo on file; else None."""
    rating = next((r for r in honoured_worker_ratings(year) if r.worker_id == worker_id), None)
    if rating is None or not public_names([rating])[worker_id].photo_url:
        return None
    return rating.worker


@dataclass(frozen=True)
class HonorRoll:
    year: int | None
    enterprises: list[HonorEnterprise] = field(default_factory=list)
    workers: list[HonorWorker] = field(default_factory=list)


def latest_final_year() -> int | None:
    return (
        Rating.objects.filter(status=Rating.Status.FINAL)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def _not_on_key_list(subject_field: str, today):
    """Nobody under key management (严重失信) is praised, whatever their last grade."""
    return ~Exists(
        KeyListEntry.objects.on(today).filter(**{subject_field: OuterRef(subject_field)})
    )


def _final_aaa(year: int) -> QuerySet[Rating]:
    return Rating.objects.filter(year=year, status=Rating.Status.FINAL, grade=Grade.AAA)


def _honoured_enterprises() -> QuerySet[Rating]:
    """Final AAA ratings of enterprises still operating and not under key management."""
    return Rating.objects.filter(
        status=Rating.Status.FINAL,
        grade=Grade.AAA,
        enterprise__isnull=False,
        enterprise__business_status=Enterprise.BusinessStatus.OPERATING,
    ).filter(_not_on_key_list("enterprise", timezone.localdate()))


def honoured_enterprise_ratings(year: int) -> QuerySet[Rating]:
    """The enterprises' ratings on `year`'s honour roll, best first."""
    return (
        _honoured_enterprises()
        .filter(year=year)
        .select_related("enterprise__township")
        .order_by("-total", "enterprise__name")
    )


def enterprise_honour_years(enterprise: Enterprise) -> list[int]:
    """The years `enterprise` is on the honour roll, latest first (one query)."""
    return list(
        _honoured_enterprises()
        .filter(enterprise=enterprise)
        .order_by("-year")
        .values_list("year", flat=True)
    )


def honoured_worker_ratings(year: int) -> list[Rating]:
    """The workers' ratings on `year`'s honour roll: the best HONOR_ROLL_WORKERS."""
    return list(
        _final_aaa(year)
        .filter(worker__isnull=False)
        .filter(_not_on_key_list("worker", timezone.localdate()))
        .select_related("worker")
        .only("year", "total", "grade", "worker__name", "worker__photo")
        .order_by("-total", "worker__name", "worker_id")[:HONOR_ROLL_WORKERS]
    )


def current_employers(worker_ids: list[int]) -> dict[int, str]:
    """{worker id: name of their latest current employer} (one query)."""
    employers: dict[int, str] = {}
    employments = (
        Employment.objects.current()
        .filter(worker_id__in=worker_ids)
        .select_related("enterprise")
        .only("worker_id", "enterprise__name")
        .order_by("worker_id", "-started_on")
    )
    for employment in employments:
        employers.setdefault(employment.worker_id, employment.enterprise.name)
    return employers


def honor_roll(year: int | None = None) -> HonorRoll:
    """AAA enterprises (still operating) of the latest year with final ratings, and the
    best AAA workers of that year (at most HONOR_ROLL_WORKERS), named as they consented."""
    year = year or latest_final_year()
    if year is None:
        return HonorRoll(year=None)
    worker_ratings = honoured_worker_ratings(year)
    employers = current_employers([r.worker_id for r in worker_ratings])
    names = public_names(worker_ratings)
    return HonorRoll(
        year=year,
        enterprises=[
            HonorEnterprise(r.enterprise_id, r.enterprise.name, r.enterprise.township.name, r.total)
            for r in honoured_enterprise_ratings(year)
        ],
        workers=[
            HonorWorker(
                masked_name=mask_person_name(r.worker.name),
                employer=employers.get(r.worker_id, ""),
                grade=r.grade,
                grade_label=r.get_grade_display(),
                name=names[r.worker_id].name,
                photo_url=names[r.worker_id].photo_url,
            )
            for r in worker_ratings
        ],
    )
