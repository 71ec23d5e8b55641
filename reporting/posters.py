"""Printable publicity posters (宣传海报) for the honour roll (诚信红榜).

One A4 poster per AAA enterprise and per excellent worker of a year, with a QR code that
township offices' visitors scan: an enterprise's code opens the public credit look-up
filtered to its 统一社会信用代码, a worker's the honour roll. Only subjects on that year's
honour roll have a poster, with the names the honour roll prints: a worker in full with
their photo only while they consent, else masked.

Who is on the honour roll is decided once, in `credit.selectors_honour`; the posters read
the same ratings the honour roll page prints.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from core.qr import qr_svg
from credit.models import Rating
from credit.selectors_honour import (
    PublicName,
    current_employers,
    honoured_enterprise_ratings,
    honoured_worker_ratings,
    public_names,
)
from credit.statistics import final_rating_years


@dataclass(frozen=True)
class Poster:
    kind: str  # "enterprise" or "worker"
    subject_id: int
    year: int
    title: str  # what the poster honours
    name: str  # the enterprise's name, or the worker's masked name
    detail: str  # the township, or the worker's employer
    grade: str
    grade_label: str
    total: Decimal
    target_url: str  # absolute: what the QR code opens
    profile_url: str = ""  # absolute: an enterprise's public profile, printed under it
    photo_url: str = ""  # a consenting worker's photo

    @property
    def qr_svg(self) -> str:
        return qr_svg(self.target_url, scale=6, dark="#000", light="#fff")

    @property
    def url(self) -> str:
        return reverse(f"posters:{self.kind}", args=[self.year, self.subject_id])

    @property
    def picture_url(self) -> str:
        """The poster as a PNG, for phones (reporting.poster_picture)."""
        return reverse(f"posters:{self.kind}_picture", args=[self.year, self.subject_id])


def _enterprise_poster(rating: Rating, build_url) -> Poster:
    enterprise = rating.enterprise
    return Poster(
        kind="enterprise",
        subject_id=enterprise.pk,
        year=rating.year,
        title="AAA级诚信示范企业",
        name=enterprise.name,
        detail=enterprise.township.name,
        grade=rating.grade,
        grade_label=rating.get_grade_display(),
        total=rating.total,
        target_url=build_url(f"{reverse('credit:lookup')}?q={enterprise.uscc}"),
        profile_url=build_url(reverse("enterprises:profile", args=[enterprise.pk])),
    )


def _worker_poster(rating: Rating, employer: str, name: PublicName, build_url) -> Poster:
    return Poster(
        kind="worker",
        subject_id=rating.worker_id,
        year=rating.year,
        title="优秀家政从业人员",
        name=name.name,
        photo_url=name.photo_url,
        detail=employer,
        grade=rating.grade,
        grade_label=rating.get_grade_display(),
        total=rating.total,
        target_url=build_url(reverse("credit:honor_roll")),
    )


def posters_for_year(year: int, build_url) -> list[Poster]:
    """Every poster of `year`: enterprises, then workers (four queries).

    `build_url` turns a path into the absolute URL printed in the QR code
    (`request.build_absolute_uri`)."""
    enterprises = [_enterprise_poster(r, build_url) for r in honoured_enterprise_ratings(year)]
    workers = honoured_worker_ratings(year)
    employers = current_employers([r.worker_id for r in workers])
    names = public_names(workers)
    return enterprises + [
        _worker_poster(r, employers.get(r.worker_id, ""), names[r.worker_id], build_url)
        for r in workers
    ]


def enterprise_poster(year: int, enterprise_id: int, build_url) -> Poster | None:
    rating = honoured_enterprise_ratings(year).filter(enterprise_id=enterprise_id).first()
    return _enterprise_poster(rating, build_url) if rating else None


def worker_poster(year: int, worker_id: int, build_url) -> Poster | None:
    # A worker is honoured only among the year's best HONOR_ROLL_WORKERS.
    rating = next((r for r in honoured_worker_ratings(year) if r.worker_id == worker_id), None)
    if rating is None:
        return None
    return _worker_poster(
        rating,
        current_employers([worker_id]).get(worker_id, ""),
        public_names([rating])[worker_id],
        build_url,
    )


def poster_years() -> list[int]:
    """Years with final ratings, the latest first (for the admin's year choice)."""
    return final_rating_years()
