"""Review and publication of the yearly ratings: draft → publicised (公示期) → final.

A run writes draft ratings; staff review them and publish a year's drafts for a publicity
period of `CREDIT_PUBLICITY_DAYS` calendar days, during which the subject may lodge an
objection (`credit.services.objections`). After the period, and once no objection is open,
a rating becomes final: the rating engine and every service here leave final ratings alone,
so a year's final ratings never change silently.

All periods are calendar days (自然日), as the bureau's plan counts them, not working days.
The publicity period starts on the day of publication and `publicity_ends_on` is its last
day (inclusive): a 7-day period published on 1 December ends on 7 December and the rating
can be finalised from 8 December.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import page_cache
from core.audit import audited_save, history_user
from core.transitions import StatusMachine, TransitionError

from .. import engine, engine_inputs
from ..models import (
    CreditEvent,
    Grade,
    Objection,
    PublicityOpinion,
    Rating,
    RatingRun,
    SubjectType,
    VetoRule,
)
from .management import supervision_sync_for_rating, supervision_tasks_for_ratings
from .rating import rating_subject_recompute

# Ratings are written in batches of this many rows: a county year fits in a few batches and
# a large one does not hold every row in memory at once.
BATCH_SIZE = 2_000


class RatingTransitionError(TransitionError):
    """A rating was asked to move to a status its current one does not lead to."""


RATING_MACHINE = StatusMachine(
    Rating,
    {
        Rating.Status.DRAFT: {Rating.Status.PUBLICISED},
        Rating.Status.PUBLICISED: {Rating.Status.FINAL},
        Rating.Status.FINAL: set(),
    },
    message="评价结果当前为“%(current)s”，不能变更为“%(target)s”。",
    error=RatingTransitionError,
)


def publicity_ends_on(starts_on: date) -> date:
    """The last day (inclusive) of a publicity period starting on `starts_on`."""
    return starts_on + timedelta(days=max(1, settings.CREDIT_PUBLICITY_DAYS) - 1)


def _batches(items: Sequence):
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


@transaction.atomic
def rating_transition(
    *,
    actor,
    ratings: Sequence[Rating],
    to: str,
    today: date | None = None,
    reason: str = "",
) -> Sequence[Rating]:
    """The one place where ratings change status. Every rating is checked against
    `RATING_MACHINE` before any is written; the caller passes rows it has locked
    (`select_for_update`). Each change writes a history row attributed to `actor`."""
    for rating in ratings:
        RATING_MACHINE.check(rating, to)
    if not ratings:
        return ratings
    today = today or timezone.localdate()
    changes = {"status": to}
    if to == Rating.Status.PUBLICISED:
        changes.update(publicity_starts_on=today, publicity_ends_on=publicity_ends_on(today))
    elif to == Rating.Status.FINAL:
        changes.update(finalised_at=timezone.now())
    # Every rating gets the same values: one UPDATE per batch (bulk_update's CASE per row
    # grows quadratically with the batch), then the history rows in bulk.
    if to == Rating.Status.FINAL or any(r.status == Rating.Status.FINAL for r in ratings):
        page_cache.bump(page_cache.CREDIT_LOOKUP, page_cache.HOME, page_cache.VERIFICATION)
    for batch in _batches(ratings):
        Rating.objects.filter(pk__in=[r.pk for r in batch]).update(**changes)
        for rating in batch:
            for name, value in changes.items():
                setattr(rating, name, value)
        Rating.history.bulk_history_create(
            batch,
            batch_size=BATCH_SIZE,
            update=True,
            default_user=history_user(actor),
            default_change_reason=reason[:100],
        )
    return ratings


def _subject_filter(subject_type: str | None) -> dict:
    if subject_type is None:
        return {}
    if subject_type == SubjectType.ENTERPRISE:
        return {"enterprise__isnull": False}
    if subject_type == SubjectType.WORKER:
        return {"worker__isnull": False}
    raise ValidationError({"subject_type": "未知的评价对象。"})


@dataclass(frozen=True)
class PublicationReport:
    published: int
    supervision_tasks: int
    starts_on: date
    ends_on: date


@transaction.atomic
def ratings_publish(*, actor, year: int, subject_type: str | None = None) -> PublicationReport:
    """Publish every draft rating of `year` (of one subject type, or all) for the publicity
    period, and open a supervision task (spot check) for each B rating."""
    unfinished = RatingRun.objects.filter(
        year=year, status__in=[RatingRun.Status.PENDING, RatingRun.Status.RUNNING]
    )
    if unfinished.exists():
        # Its chunks would skip ratings published now (the engine rewrites drafts only),
        # leaving the public a mix of old and new results: publish once it has finished.
        raise RatingTransitionError(
            "%(year)s年度的信用评价正在计算中，请待计算完成并审核后再公示。",
            code="run_in_progress",
            params={"year": year},
        )
    drafts = Rating.objects.filter(
        year=year, status=Rating.Status.DRAFT, **_subject_filter(subject_type)
    )
    # Lock the drafts: a second publication of the same year waits, then finds none left.
    ids = list(drafts.select_for_update().order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise RatingTransitionError(
            "%(year)s年度没有待公示（待审核）的评价结果。",
            code="nothing_to_publish",
            params={"year": year},
        )
    today = timezone.localdate()
    tasks = 0
    for batch in _batches(ids):
        # The explanation is neither changed nor kept in the history: do not load it.
        ratings = list(Rating.objects.filter(pk__in=batch).defer("explanation").order_by("pk"))
        rating_transition(
            actor=actor,
            ratings=ratings,
            to=Rating.Status.PUBLICISED,
            today=today,
            reason=f"{year}年度评价结果公示",
        )
        tasks += len(
            supervision_tasks_for_ratings(
                actor=actor, ratings=[r for r in ratings if r.grade == Grade.B], today=today
            )
        )
    return PublicationReport(
        published=len(ids),
        supervision_tasks=tasks,
        starts_on=today,
        ends_on=publicity_ends_on(today),
    )


RECOMPUTED_FIELDS = [
    "compliance",
    "quality",
    "reputation",
    "commitment",
    "total",
    "grade",
    "vetoed",
    "veto_reason",
    "not_graded_reason",
    "explanation",
    "inputs",
]
REPUBLICISED_FIELDS = ["publicity_starts_on", "publicity_ends_on"]


def rating_facts_date(rating: Rating) -> date:
    """The day whose facts the rating was computed from (its evaluation date)."""
    return engine_inputs.evaluation_date(rating.year, timezone.localdate(rating.computed_at))


def _corrected_objections(rating: Rating) -> list[str]:
    return [
        f"credit.Objection:{pk}#"
        for pk in Objection.objects.filter(
            rating=rating, status=Objection.Status.UPHELD
        ).values_list("pk", flat=True)
    ]


def event_counted_in(rating: Rating, event: CreditEvent) -> bool:
    """Whether an active record was among the facts `rating` was computed from: recorded
    before the computation (or by an objection upheld on it), of its year, and disclosed
    on its evaluation date. A record recorded later counts for the next computation."""
    if not event_counts_for(rating, event):
        return False
    if event.source_ref.startswith(tuple(_corrected_objections(rating))):
        return True
    if event.created_at > rating.computed_at:
        return False
    # Its status then: a record revoked at the time and restored since did not count.
    then = (
        event.history.filter(history_date__lte=rating.computed_at)
        .order_by("-history_date", "-history_id")
        .values_list("status", flat=True)
        .first()
    )
    return (then or event.status) == CreditEvent.Status.ACTIVE


def event_counts_for(rating: Rating, event: CreditEvent) -> bool:
    """Whether a record belongs to the facts of `rating`'s year and evaluation date."""
    subject = (event.enterprise_id, event.worker_id) == (rating.enterprise_id, rating.worker_id)
    as_of = rating_facts_date(rating)
    return (
        subject
        and event.occurred_on.year == rating.year
        and (event.disclosure_until is None or event.disclosure_until >= as_of)
    )


def event_change(event: CreditEvent, sign: int) -> engine.EventChange:
    return engine.EventChange(event.kind, event.severity, event.tag, event.value, sign)


def _inputs_as_computed(compiled, rating: Rating) -> dict:
    inputs = engine.stored_inputs(compiled, rating.inputs)
    # A rating stored before the vetoes' counts were kept: its veto reasons tell them.
    for veto in compiled.vetoes:
        column = "key_list" if veto.kind == VetoRule.Kind.KEY_LIST else veto.column
        if column not in inputs:
            inputs[column] = int(bool(rating.vetoed and veto.description in rating.veto_reason))
    return inputs


@transaction.atomic
def rating_recompute_recorded(
    *, actor, rating: Rating, reason: str, changes: Sequence[engine.EventChange] = ()
) -> Rating:
    """Correct a draft or publicised rating: score it again from the facts it was computed
    from with `changes` (the records an upheld objection or an approved repair decided)
    applied, and nothing else; facts recorded since count for the next computation. Saved
    with a history row saying who and why. A publicised rating whose grade changes is
    publicised again (重新公示) for a full period; its supervision task follows the grade."""
    rating = Rating.objects.select_for_update().select_related("standard").get(pk=rating.pk)
    if rating.status == Rating.Status.FINAL:
        raise RatingTransitionError(
            "%(year)s年度评价结果已确定，不能再更改。",
            code="final",
            params={"year": rating.year},
        )
    fields, previous_grade = list(RECOMPUTED_FIELDS), rating.grade
    if rating.inputs:
        compiled = engine.compile_standard(rating.standard)
        subject_id = rating.enterprise_id or rating.worker_id
        result = engine.rescore(
            compiled, subject_id, _inputs_as_computed(compiled, rating), list(changes)
        )
        if rating.not_graded_reason and not result.vetoed:
            # Registered too recently then, still so: a correction does not grade it.
            result = dataclasses.replace(
                result, grade=Grade.NOT_GRADED, not_graded_reason=rating.not_graded_reason
            )
        _apply_result(rating, result)
    else:
        # Computed before ratings kept their inputs: only the facts of today remain.
        rating_subject_recompute(rating=rating)
        fields.append("computed_at")
    if rating.status == Rating.Status.PUBLICISED and rating.grade != previous_grade:
        today = timezone.localdate()
        rating.publicity_starts_on, rating.publicity_ends_on = today, publicity_ends_on(today)
        fields += REPUBLICISED_FIELDS
        reason = (
            f"等级由{previous_grade}变为{rating.grade}，重新公示至{rating.publicity_ends_on}；"
            + reason
        )
    rating.full_clean(validate_constraints=False)
    audited_save(rating, actor=actor, update_fields=fields, reason=reason)
    supervision_sync_for_rating(actor=actor, rating=rating, reason=reason)
    return rating


def _apply_result(rating: Rating, result: engine.Result) -> None:
    rating.compliance = result.dimensions["compliance"]
    rating.quality = result.dimensions["quality"]
    rating.reputation = result.dimensions["reputation"]
    rating.commitment = result.dimensions["commitment"]
    rating.total = result.total
    rating.grade = result.grade
    rating.vetoed = result.vetoed
    rating.veto_reason = result.veto_reason
    rating.not_graded_reason = result.not_graded_reason
    rating.explanation = []
    rating.inputs = result.inputs


def _open_objection_rating_ids(rating_ids) -> set[int]:
    """Ratings with an open objection or an open opinion from the public: an opinion may
    still be lodged as an objection dated the day it arrived."""
    objections = Objection.objects.filter(
        rating_id__in=rating_ids, status=Objection.Status.SUBMITTED
    ).values_list("rating_id", flat=True)
    opinions = PublicityOpinion.objects.filter(
        rating_id__in=rating_ids, status__in=PublicityOpinion.OPEN
    ).values_list("rating_id", flat=True)
    return set(objections) | set(opinions)


@transaction.atomic
def rating_finalise(*, actor, rating: Rating, today: date | None = None) -> Rating:
    """Make one publicised rating final, once its publicity period is over and no
    objection to it is open."""
    today = today or timezone.localdate()
    rating = Rating.objects.select_for_update().defer("explanation").get(pk=rating.pk)
    RATING_MACHINE.check(rating, Rating.Status.FINAL)
    if rating.publicity_ends_on is None or rating.publicity_ends_on >= today:
        raise RatingTransitionError(
            "公示期至%(ends_on)s，公示期满后方可确定评价结果。",
            code="publicity_not_over",
            params={"ends_on": rating.publicity_ends_on},
        )
    if _open_objection_rating_ids([rating.pk]):
        raise RatingTransitionError(
            "该评价结果有待处理的信用异议或社会监督意见，处理完毕后方可确定。",
            code="open_objection",
        )
    rating_transition(actor=actor, ratings=[rating], to=Rating.Status.FINAL, today=today)
    return rating


def ratings_finalise_due(*, today: date) -> int:
    """Daily: every publicised rating whose publicity period ended before `today` and that
    has no open objection becomes final. Idempotent; returns how many were finalised."""
    due = list(
        Rating.objects.filter(status=Rating.Status.PUBLICISED, publicity_ends_on__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    finalised = 0
    for batch in _batches(due):
        with transaction.atomic():
            locked = list(
                Rating.objects.select_for_update()
                .filter(pk__in=batch, status=Rating.Status.PUBLICISED)
                .defer("explanation")
                .order_by("pk")
            )
            # Read the objections after taking the locks: an objection submitted (under the
            # rating's lock) while this ran is seen here and keeps its rating publicised.
            blocked = _open_objection_rating_ids([r.pk for r in locked])
            ratings = [r for r in locked if r.pk not in blocked]
            rating_transition(
                actor=None,
                ratings=ratings,
                to=Rating.Status.FINAL,
                today=today,
                reason="公示期满，自动确定",
            )
            finalised += len(ratings)
    return finalised
