"""Reads of the credit file and the ratings, shared by the public pages, the dossier sections,
the admin and (later) the portal.

Public readers get only FINAL ratings; draft and publicised ones stay inside the bureau.
Every function here runs a fixed number of queries, whatever the number of rows.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet, Subquery, Sum
from django.utils import timezone

# The masked name lives in the shared kit; pages import it from here as they always have.
from core.personal_data import mask_person_name as mask_person_name
from registry.models import Enterprise, Worker

from .engine import explanation_from_inputs
from .models import (
    GRADE_ORDER,
    CreditEvent,
    Dimension,
    EvaluationStandard,
    Grade,
    Indicator,
    Rating,
    RatingRun,
)
from .rules import grade_for, rounded
from .selectors_grades import (
    GradeBand,
    explanation_sentences,
    gettext_advice_deduction,
    gettext_advice_gain,
    grade_bands,
)

DOSSIER_EVENTS = 100
EXPLANATION_TOP_LOSSES = 3

# --- Public credit look-up ---------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionScore:
    key: str
    label: str
    score: Decimal
    weight: Decimal | None  # the dimension's maximum under the rating's standard


@dataclass(frozen=True)
class PublicRating:
    """What the public may see of one final rating."""

    year: int
    grade: str
    grade_label: str
    total: Decimal
    dimensions: list[DimensionScore]
    not_graded_reason: str = ""  # 暂不评级: the reason is shown instead of the scores

    @property
    def graded(self) -> bool:
        return self.grade != Grade.NOT_GRADED


def dimension_weights(standard_ids) -> dict[tuple[int, str], Decimal]:
    """Each standard's dimension maxima (the sum of its indicators' points), by (standard
    id, dimension)."""
    rows = (
        Indicator.objects.filter(standard_id__in=set(standard_ids))
        .values("standard_id", "dimension")
        .annotate(weight=Sum("weight"))
        .order_by()
    )
    return {(row["standard_id"], row["dimension"]): row["weight"] for row in rows}


GRADE_LABELS = dict(Grade.choices)
# What the public sees of a final rating (public_rating), read as values.
PUBLIC_RATING_FIELDS = (
    "year", "standard_id", "grade", "not_graded_reason", "total", *Dimension.values,
)  # fmt: skip


def public_rating(values, weights: dict[tuple[int, str], Decimal]) -> PublicRating:
    """A final rating's public view from `values` (a mapping of PUBLIC_RATING_FIELDS) and
    its standard's `weights` (dimension_weights)."""
    return PublicRating(
        year=values["year"],
        grade=values["grade"],
        grade_label=GRADE_LABELS.get(values["grade"], values["grade"]),
        total=values["total"],
        dimensions=[
            DimensionScore(key, label, values[key], weights.get((values["standard_id"], key)))
            for key, label in Dimension.choices
        ],
        not_graded_reason=values["not_graded_reason"],
    )


def latest_final_ratings(enterprise_ids) -> dict[int, PublicRating]:
    """Each enterprise's latest FINAL rating (two queries for any number of enterprises)."""
    ratings = (
        Rating.objects.filter(enterprise_id__in=list(enterprise_ids), status=Rating.Status.FINAL)
        .values("enterprise_id", *PUBLIC_RATING_FIELDS)
        .order_by("enterprise_id", "-year")
    )
    latest: dict[int, dict] = {}
    for rating in ratings:
        latest.setdefault(rating["enterprise_id"], rating)
    weights = dimension_weights(r["standard_id"] for r in latest.values()) if latest else {}
    return {pk: public_rating(values, weights) for pk, values in latest.items()}


def latest_final_worker_rating(worker: Worker) -> Rating | None:
    """The worker's latest FINAL rating (a draft or publicised one may still change)."""
    return (
        Rating.objects.filter(worker=worker, status=Rating.Status.FINAL)
        .only("year", "grade", "total")
        .order_by("-year")
        .first()
    )


# --- The published standard ----------------------------------------------------------------


@dataclass(frozen=True)
class DimensionIndicators:
    key: str
    label: str
    weight: Decimal
    indicators: list[Indicator]


@dataclass(frozen=True)
class PublishedStandard:
    standard: EvaluationStandard
    dimensions: list[DimensionIndicators]
    grades: list[GradeBand]
    vetoes: list[str]

    @property
    def total_weight(self) -> Decimal:
        return sum((d.weight for d in self.dimensions), Decimal(0))


def published_standards(year: int | None = None) -> list[PublishedStandard]:
    """The active standards (enterprise, then worker) of `year`, by default the latest year
    that has an active standard — four queries."""
    active = EvaluationStandard.objects.filter(status=EvaluationStandard.Status.ACTIVE)
    if year is None:
        year = active.order_by("-year").values_list("year", flat=True).first()
        if year is None:
            return []
    standards = active.filter(year=year).prefetch_related("indicators", "vetoes")
    published = []
    for standard in sorted(standards, key=lambda s: s.subject_type != "enterprise"):
        indicators = sorted(standard.indicators.all(), key=lambda i: (i.sort_order, i.code))
        dimensions = []
        for key, label in Dimension.choices:
            members = [i for i in indicators if i.dimension == key]
            if members:
                weight = sum((i.weight for i in members), Decimal(0))
                dimensions.append(DimensionIndicators(key, label, weight, members))
        published.append(
            PublishedStandard(
                standard=standard,
                dimensions=dimensions,
                grades=grade_bands(standard),
                vetoes=[v.description for v in standard.vetoes.all()],
            )
        )
    return published


# --- Explaining one rating -----------------------------------------------------------------


@dataclass(frozen=True)
class ExplanationRow:
    code: str
    name: str
    dimension: str
    dimension_label: str
    weight: Decimal | None
    shown: str  # the input in words, as the engine stored it
    points: Decimal
    description: str
    rule: str

    @property
    def lost(self) -> Decimal:
        if self.weight is None:
            return Decimal(0)
        return max(Decimal(0), rounded(self.weight - self.points))

    @property
    def advice(self) -> str:
        """One plain sentence about the points this indicator lost."""
        values = {"code": self.code, "name": self.name, "lost": self.lost}
        values["shown"] = _plain(self.shown)
        if self.rule == Indicator.Rule.EVENT_DEDUCTION:
            return gettext_advice_deduction(values)
        return gettext_advice_gain(values)


@dataclass(frozen=True)
class DimensionRows:
    key: str
    label: str
    score: Decimal
    weight: Decimal
    rows: list[ExplanationRow]


@dataclass(frozen=True)
class RatingExplanation:
    rating: Rating
    rows: list[ExplanationRow]
    dimensions: list[DimensionRows]
    score_grade: str  # the grade the points alone give (differs from the grade when vetoed)
    next_grade: str | None
    next_threshold: Decimal | None
    points_missing: Decimal | None
    top_losses: list[ExplanationRow]
    sentences: list[str]

    @property
    def vetoed(self) -> bool:
        return self.rating.vetoed

    @property
    def next_grade_label(self) -> str:
        return Grade(self.next_grade).label if self.next_grade else ""

    @property
    def summary(self) -> str:
        return self.sentences[0] if self.sentences else ""


def _plain(shown: str) -> str:
    """Drop a trailing bracket so the input can sit inside brackets itself:
    人均12.0学时（目标24） → 人均12.0学时，目标24."""
    return re.sub(r"（([^（）]*)）$", r"，\1", shown or "").strip("，") or "—"


def _next_grade(grade: str) -> str | None:
    order = GRADE_ORDER[Grade(grade)]
    return next((g for g, rank in GRADE_ORDER.items() if rank == order + 1), None)


def _threshold(standard: EvaluationStandard, grade: str) -> Decimal:
    return Decimal(
        {Grade.AAA: standard.aaa_min, Grade.AA: standard.aa_min, Grade.A: standard.a_min}[grade]
    )


def rating_explanation(
    rating: Rating, *, top: int = EXPLANATION_TOP_LOSSES, indicators=None
) -> RatingExplanation:
    """Explain a rating indicator by indicator ([code, shown input, points], the standard's
    rules applied again to the rating's stored inputs, or the rows stored by an earlier
    engine) with the standard's indicators, and say in plain Chinese what would raise the
    grade.

    One query (the indicators) when `rating.standard` is already loaded, none when the
    standard's `indicators` are given."""
    standard = rating.standard
    if indicators is None:
        indicators = Indicator.objects.filter(standard_id=rating.standard_id)
    indicators = {i.code: i for i in indicators}
    if rating.inputs:
        explained = explanation_from_inputs(
            standard.subject_type, indicators.values(), rating.inputs
        )
    else:
        explained = rating.explanation or []
    rows = []
    for code, shown, points in explained:
        indicator = indicators.get(code)
        rows.append(
            ExplanationRow(
                code=code,
                name=indicator.name if indicator else code,
                dimension=indicator.dimension if indicator else "",
                dimension_label=indicator.get_dimension_display() if indicator else "",
                weight=indicator.weight if indicator else None,
                shown=shown,
                points=rounded(Decimal(str(points))),
                description=indicator.description if indicator else "",
                rule=indicator.rule if indicator else "",
            )
        )
    order = {i.code: (i.sort_order, i.code) for i in indicators.values()}
    rows.sort(key=lambda r: order.get(r.code, (10_000, r.code)))
    dimensions = []
    for key, label in Dimension.choices:
        members = [r for r in rows if r.dimension == key]
        if members:
            weight = sum((r.weight or 0 for r in members), Decimal(0))
            dimensions.append(DimensionRows(key, label, getattr(rating, key), weight, members))

    total = rounded(rating.total)
    score_grade = grade_for(total, standard.aaa_min, standard.aa_min, standard.a_min)
    next_grade = _next_grade(score_grade)
    threshold = _threshold(standard, next_grade) if next_grade else None
    missing = rounded(threshold - total) if threshold is not None else None
    losses = sorted(
        (r for r in rows if r.lost > 0),
        key=lambda r: (-r.lost, order.get(r.code, (10_000, r.code))),
    )[:top]

    sentences = explanation_sentences(
        rating, total, score_grade, next_grade, threshold, missing, [r.advice for r in losses]
    )
    return RatingExplanation(
        rating=rating,
        rows=rows,
        dimensions=dimensions,
        score_grade=score_grade,
        next_grade=next_grade,
        next_threshold=threshold,
        points_missing=missing,
        top_losses=losses,
        sentences=sentences,
    )


# --- Dossier sections ------------------------------------------------------------------------


def _subject_filter(subject) -> dict:
    if isinstance(subject, Enterprise):
        return {"enterprise": subject}
    if isinstance(subject, Worker):
        return {"worker": subject}
    raise TypeError(f"not a credit subject: {subject!r}")


@dataclass(frozen=True)
class CreditFileRow:
    event: CreditEvent
    counting: bool  # active and within its disclosure period today: the engine counts it


@dataclass(frozen=True)
class CreditFile:
    rows: list[CreditFileRow]
    truncated: bool  # more records exist than are listed


def credit_file_events(subject, *, limit: int = DOSSIER_EVENTS) -> QuerySet[CreditEvent]:
    """The subject's credit events, newest first: one more than `limit`, which tells the
    file it was cut short."""
    return (
        CreditEvent.objects.filter(**_subject_filter(subject))
        .defer("description", "evidence")
        .order_by("-occurred_on", "-id")[: limit + 1]
    )


def credit_file_from(events: list[CreditEvent], *, limit: int = DOSSIER_EVENTS) -> CreditFile:
    """The credit file of the events `credit_file_events` read."""
    today = timezone.localdate()
    rows = [
        CreditFileRow(
            event,
            event.status == CreditEvent.Status.ACTIVE
            and (event.disclosure_until is None or event.disclosure_until >= today),
        )
        for event in events[:limit]
    ]
    return CreditFile(rows=rows, truncated=len(events) > limit)


def credit_file_for(subject, *, limit: int = DOSSIER_EVENTS) -> CreditFile:
    """The subject's credit events, newest first: at most `limit` of them, one query."""
    return credit_file_from(list(credit_file_events(subject, limit=limit)), limit=limit)


def visible_ratings() -> QuerySet[Rating]:
    """Ratings a subject may see of itself (an enterprise in the portal, a worker on their
    own record): publicised and final, never drafts (staff have not reviewed them yet)."""
    return Rating.objects.filter(
        status__in=[Rating.Status.PUBLICISED, Rating.Status.FINAL]
    ).select_related("standard")


def subject_ratings(subject) -> QuerySet[Rating]:
    """Every rating of the subject, latest year first, whatever its status (staff view)."""
    return (
        Rating.objects.filter(**_subject_filter(subject))
        .select_related("standard")
        .order_by("-year")
    )


def latest_rating_indicators(subject) -> QuerySet[Indicator]:
    """The indicators of the standard of the subject's latest rating (its explanation)."""
    latest = subject_ratings(subject).values("standard_id")[:1]
    return Indicator.objects.filter(standard_id=Subquery(latest))


def rating_run_missing_chunks(run: RatingRun):
    """The chunks of a run not computed yet, in order (shown on the run's page)."""
    return run.chunks.filter(done_at__isnull=True).order_by("subject_type", "low")


def rating_run_stalled_since(run: RatingRun):
    """When an unfinished run last made progress, if that is longer ago than
    CREDIT_RATING_STALL_SECONDS; None while it is moving (or finished)."""
    if not run.is_unfinished:
        return None
    last = run.progressed_at or run.created_at
    if last < timezone.now() - timedelta(seconds=settings.CREDIT_RATING_STALL_SECONDS):
        return last
    return None
