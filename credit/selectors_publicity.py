"""The public 公示 page: ratings under publicity, and the final lists by year afterwards.

What is shown of whom follows the disclosure rules the public credit pages already apply:
draft ratings never; publicised ones only within their publicity period; final ones by
year. An enterprise is shown with its full name, township, grade and total. A worker is
shown with the name masked (`mask_person_name`), the current employer and the grade only:
no score, no ID number, no mobile — a person's result is published to the minimum a 公示
needs (their own score is in their own record). Every grade is listed, B (诚信警示) and
暂不评级 included, since a 公示 is of all results and an objection needs to see its own.

Lists are paginated in the database (a count and one page), whatever the county's size.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Exists, IntegerField, Max, Min, OuterRef, QuerySet, Value, When

from core.personal_data import mask_person_name
from registry.models import Employment

from .models import GRADE_ORDER, Grade, Rating, SubjectType
from .selectors_honour import current_employers

GRADE_CHOICES = [(grade.value, grade.label) for grade in (*GRADE_ORDER, Grade.NOT_GRADED)]


@dataclass(frozen=True)
class PublicityPeriod:
    year: int
    starts_on: date
    ends_on: date


def publicity_period(today: date) -> PublicityPeriod | None:
    """The latest year with ratings under publicity on `today`, and its period (the first
    start and the last end: a rating whose grade an objection changed is publicised again)."""
    row = (
        Rating.objects.under_publicity(today)
        .values("year")
        .annotate(starts_on=Min("publicity_starts_on"), ends_on=Max("publicity_ends_on"))
        .order_by("-year")
        .first()
    )
    return PublicityPeriod(**row) if row else None


def final_years() -> list[int]:
    """The years whose final lists are public, latest first."""
    return list(
        Rating.objects.filter(status=Rating.Status.FINAL)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def _grade_rank():
    ranks = [When(grade=grade, then=Value(rank)) for grade, rank in GRADE_ORDER.items()]
    return Case(*ranks, default=Value(0), output_field=IntegerField())


def _employed_at(**enterprise) -> Exists:
    lookups = {f"enterprise__{name}": value for name, value in enterprise.items()}
    return Exists(Employment.objects.current().filter(worker=OuterRef("worker_id"), **lookups))


def publicity_ratings(
    *,
    year: int,
    final: bool,
    today: date,
    subject_type: str = SubjectType.ENTERPRISE,
    township_id: int | None = None,
    grade: str = "",
    query: str = "",
) -> QuerySet[Rating]:
    """The ratings of `year` the public may see — under publicity on `today`, or final —
    of one subject type, best grade first. `township_id` and `query` (part of a name) are
    the enterprise's, or for a worker their current employer's: workers are not searched
    by their own name, which is published only in part."""
    ratings = Rating.objects.filter(year=year)
    if final:
        ratings = ratings.filter(status=Rating.Status.FINAL)
    else:
        ratings = ratings.under_publicity(today)
    if grade:
        ratings = ratings.filter(grade=grade)
    query = (query or "").strip()
    fields = ["year", "grade", "total", "vetoed", "status", "publicity_ends_on"]
    if subject_type == SubjectType.WORKER:
        ratings = ratings.filter(worker__isnull=False).select_related("worker")
        if township_id:
            ratings = ratings.filter(_employed_at(township_id=township_id))
        if query:
            ratings = ratings.filter(_employed_at(name__icontains=query))
        ratings = ratings.only(*fields, "worker__name")
        order = ["worker__name", "pk"]
    else:
        ratings = ratings.filter(enterprise__isnull=False).select_related("enterprise__township")
        if township_id:
            ratings = ratings.filter(enterprise__township_id=township_id)
        if query:
            ratings = ratings.filter(enterprise__name__icontains=query)
        ratings = ratings.only(*fields, "enterprise__name", "enterprise__township__name")
        order = ["enterprise__name", "pk"]
    return ratings.annotate(grade_rank=_grade_rank()).order_by("-grade_rank", "-total", *order)


@dataclass(frozen=True)
class PublicityRow:
    rating_id: int
    enterprise_id: int | None
    name: str  # an enterprise's full name, a worker's masked name
    township: str
    employer: str
    grade: str
    grade_label: str
    vetoed: bool
    total: Decimal | None  # enterprises only

    @property
    def graded(self) -> bool:
        return self.grade != Grade.NOT_GRADED


def publicity_rows(ratings) -> list[PublicityRow]:
    """A page of `publicity_ratings` as the public sees it (one more query for workers'
    employers)."""
    ratings = list(ratings)
    employers = current_employers([r.worker_id for r in ratings if r.worker_id])
    rows = []
    for rating in ratings:
        enterprise = rating.enterprise if rating.enterprise_id else None
        rows.append(
            PublicityRow(
                rating_id=rating.pk,
                enterprise_id=rating.enterprise_id,
                name=enterprise.name if enterprise else mask_person_name(rating.worker.name),
                township=enterprise.township.name if enterprise else "",
                employer="" if enterprise else employers.get(rating.worker_id, ""),
                grade=rating.grade,
                grade_label=rating.get_grade_display(),
                vetoed=rating.vetoed,
                total=rating.total if enterprise and rating.grade != Grade.NOT_GRADED else None,
            )
        )
    return rows


def publicity_rating(rating_id: int) -> Rating | None:
    """A rating an opinion may be asked about: publicised or final, never a draft (None)."""
    return (
        Rating.objects.exclude(status=Rating.Status.DRAFT)
        .select_related("enterprise__township", "worker")
        .defer("explanation", "inputs")
        .filter(pk=rating_id)
        .first()
    )


def publicity_visible(rating: Rating, today: date) -> bool:
    """Whether the public may see `rating` on `today`: final, or inside its publicity
    period (a publicised rating whose period is over waits unseen to become final)."""
    if rating.status == Rating.Status.FINAL:
        return True
    return Rating.objects.under_publicity(today).filter(pk=rating.pk).exists()


def publicity_subject(rating: Rating) -> PublicityRow:
    """One rating as the 公示 list shows it (the opinion form's heading)."""
    return publicity_rows([rating])[0]
