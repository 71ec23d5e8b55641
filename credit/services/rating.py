"""Running the yearly rating: a RatingRun split into id-range chunks, each computed once."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from registry.models import Enterprise, Worker
from registry.sql import jit_off

from .. import engine
from ..models import EvaluationStandard, Rating, RatingChunk, RatingRun, SubjectType

logger = logging.getLogger(__name__)

SUBJECT_MODELS = {SubjectType.ENTERPRISE: Enterprise, SubjectType.WORKER: Worker}
# First key of the advisory lock that serialises building a run's inputs table.
INPUTS_LOCK = 4_027_001


def active_standard(year: int, subject_type: str) -> EvaluationStandard:
    standard = EvaluationStandard.objects.filter(
        year=year, subject_type=subject_type, status=EvaluationStandard.Status.ACTIVE
    ).first()
    if standard is None:
        label = SubjectType(subject_type).label
        raise ValidationError(f"{year}年度没有现行的{label}评价标准，请先在评价标准中启用。")
    return standard


def standard_problems(standard: EvaluationStandard) -> list[str]:
    """What stops a standard from being used: weights must add up to 100."""
    problems = []
    total = sum(i.weight for i in standard.indicators.all())
    if total != 100:
        problems.append(f"各指标分值合计应为100分，当前为{total}分。")
    if not standard.indicators.exists():
        problems.append("标准中没有指标。")
    return problems


def standard_lock(standard: EvaluationStandard) -> None:
    if standard.locked_at is None:
        EvaluationStandard.objects.filter(pk=standard.pk, locked_at__isnull=True).update(
            locked_at=timezone.now()
        )


@transaction.atomic
def rating_run_start(*, actor, year: int, chunk_size: int | None = None) -> RatingRun:
    """Create a run and its chunks; the chunk tasks are queued once the run is committed."""
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": "评价年度不正确。"})
    standards = {kind: active_standard(year, kind) for kind in SubjectType.values}
    for standard in standards.values():
        problems = standard_problems(standard)
        if problems:
            raise ValidationError(f"{standard}：" + "；".join(problems))
    chunk_size = chunk_size or settings.CREDIT_RATING_CHUNK_SIZE
    run = RatingRun.objects.create(
        year=year,
        enterprise_standard=standards[SubjectType.ENTERPRISE],
        worker_standard=standards[SubjectType.WORKER],
        chunk_size=chunk_size,
        triggered_by=actor if getattr(actor, "pk", None) else None,
        status=RatingRun.Status.PENDING,
    )
    chunks = []
    for subject_type, model in SUBJECT_MODELS.items():
        bounds = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
        if bounds["low"] is None:
            continue
        for low in range(bounds["low"], bounds["high"] + 1, chunk_size):
            chunks.append(
                RatingChunk(run=run, subject_type=subject_type, low=low, high=low + chunk_size)
            )
    RatingChunk.objects.bulk_create(chunks, batch_size=1000)
    run.chunks_total = len(chunks)
    run.save(update_fields=["chunks_total"])
    for standard in standards.values():
        standard_lock(standard)
    return run


def rating_run_enqueue(run: RatingRun) -> None:
    from ..tasks import rate_chunk

    chunks = list(
        run.chunks.filter(done_at__isnull=True).order_by("pk").values_list("pk", "subject_type")
    )
    # The first chunk of each subject type goes first: with several workers, the inputs of
    # the enterprises and of the workers are then materialised at the same time.
    firsts = list({subject_type: pk for pk, subject_type in reversed(chunks)}.values())
    chunk_ids = firsts + [pk for pk, _ in chunks if pk not in firsts]
    for chunk_id in chunk_ids:
        rate_chunk.apply_async(args=[chunk_id], queue=settings.CELERY_BULK_QUEUE)


def _run_inputs_prepare(chunk_id: int) -> str | None:
    """On PostgreSQL, make sure the run's inputs of the chunk's subject type are
    materialised (the first chunk of that type builds them, the others wait for it), and
    return the table's name. Built in its own transaction, before the chunk's."""
    if connection.vendor != "postgresql":
        return None
    chunk = (
        RatingChunk.objects.select_related("run__enterprise_standard", "run__worker_standard")
        .filter(pk=chunk_id, done_at__isnull=True)
        .first()
    )
    if chunk is None or chunk.run.status == RatingRun.Status.DONE:
        return None
    run = chunk.run
    table = engine.inputs_table_name(run.pk, chunk.subject_type)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One builder per run and subject type; the others wait here, then find it.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [INPUTS_LOCK, run.pk * 2 + (chunk.subject_type == SubjectType.WORKER)],
            )
        if engine.inputs_table_ready(table):
            return table
        if RatingRun.objects.filter(pk=run.pk, status=RatingRun.Status.DONE).exists():
            return None
        jit_off()
        bounds = run.chunks.filter(subject_type=chunk.subject_type).aggregate(
            low=Min("low"), high=Max("high")
        )
        engine.inputs_table_build(
            engine.compile_standard(_chunk_standard(chunk)), year=run.year,
            as_of=engine.evaluation_date(run.year, timezone.localdate()), table=table,
            low=bounds["low"], high=bounds["high"],
        )  # fmt: skip
    return table


def _chunk_standard(chunk: RatingChunk) -> EvaluationStandard:
    # The standards were fixed (and locked) when the run started.
    run = chunk.run
    if chunk.subject_type == SubjectType.ENTERPRISE:
        return run.enterprise_standard
    return run.worker_standard


def rating_chunk_compute(*, chunk_id: int) -> bool:
    """Compute one chunk. Idempotent: a chunk already done (a redelivered task) is skipped,
    and a chunk interrupted half-way left nothing behind (one transaction)."""
    inputs_table = _run_inputs_prepare(chunk_id)
    with transaction.atomic():
        # Lock the chunk row only ("of self"): a plain FOR UPDATE would also lock the joined
        # run row, and with SKIP LOCKED a second worker would then skip its own chunk.
        chunk = (
            RatingChunk.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("run__enterprise_standard", "run__worker_standard")
            .filter(pk=chunk_id, done_at__isnull=True)
            .first()
        )
        if chunk is None:
            return False
        jit_off()
        run = chunk.run
        if run.status == RatingRun.Status.PENDING:
            RatingRun.objects.filter(pk=run.pk, status=RatingRun.Status.PENDING).update(
                status=RatingRun.Status.RUNNING, started_at=timezone.now()
            )
        compiled = engine.compile_standard(_chunk_standard(chunk))
        as_of = engine.evaluation_date(run.year, timezone.localdate())
        if inputs_table and not engine.inputs_table_ready(inputs_table):
            inputs_table = None  # emptied by a crash since: aggregate this range here
        count = engine.rate_range(
            compiled, year=run.year, as_of=as_of, low=chunk.low, high=chunk.high,
            run_id=run.pk, now=timezone.now(), inputs_table=inputs_table,
        )  # fmt: skip
        chunk.done_at = timezone.now()
        chunk.subjects = count
        chunk.save(update_fields=["done_at", "subjects"])
        RatingRun.objects.filter(pk=run.pk).update(
            chunks_done=F("chunks_done") + 1, subjects_done=F("subjects_done") + count
        )
        _finish_if_complete(run.pk)
    return True


def _finish_if_complete(run_id: int) -> None:
    run = RatingRun.objects.select_for_update().get(pk=run_id)
    if run.chunks_done < run.chunks_total or run.status == RatingRun.Status.DONE:
        return
    # Draft ratings of the year that this run did not produce belong to subjects no
    # longer active (deregistered, left the trade): they are withdrawn.
    Rating.objects.filter(year=run.year, status=Rating.Status.DRAFT).exclude(run=run).delete()
    if connection.vendor == "postgresql":
        for subject_type in SubjectType.values:
            engine.inputs_table_drop(engine.inputs_table_name(run.pk, subject_type))
    run.status = RatingRun.Status.DONE
    run.finished_at = timezone.now()
    run.subjects_total = run.subjects_done
    run.message = f"共评价{run.subjects_done}个主体。"
    run.save(update_fields=["status", "finished_at", "subjects_total", "message"])
    logger.info("rating run %s for %s finished: %s subjects", run.pk, run.year, run.subjects_done)


# A run still unfinished this long after it started has been abandoned (a province-scale
# run takes minutes); its inputs table is dropped, and rebuilt should a chunk come after all.
ABANDONED_AFTER = timedelta(days=1)


def rating_inputs_tables_clean(*, now=None) -> int:
    """Drop the inputs tables that no run needs any more: a finished run drops its own, but
    a run abandoned half-way (its tasks lost) or deleted leaves them behind. Safe at any
    time: a chunk that finds its run's table gone builds it again. Returns how many."""
    if connection.vendor != "postgresql":
        return 0
    now = now or timezone.now()
    tables = engine.inputs_tables()
    runs = RatingRun.objects.in_bulk(set(tables.values()))
    dropped = 0
    for table, run_id in sorted(tables.items()):
        run = runs.get(run_id)
        if (
            run is None
            or run.status == RatingRun.Status.DONE
            or run.created_at < now - ABANDONED_AFTER
        ):
            engine.inputs_table_drop(table)
            dropped += 1
    if dropped:
        logger.info("dropped %s rating inputs tables no run needs", dropped)
    return dropped


def rating_run_year(*, actor, year: int, sync: bool = False, chunk_size=None) -> RatingRun:
    """Rate every active enterprise and worker for `year`.

    With `sync` the chunks run here, one after another (the shell command's --sync);
    otherwise they go to the `bulk` queue after the run is committed."""
    run = rating_run_start(actor=actor, year=year, chunk_size=chunk_size)
    if sync:
        for chunk_id in run.chunks.values_list("pk", flat=True):
            rating_chunk_compute(chunk_id=chunk_id)
        run.refresh_from_db()
        if run.chunks_total == 0:
            _finish_empty(run)
    else:
        transaction.on_commit(lambda: rating_run_enqueue(run))
        if run.chunks_total == 0:
            _finish_empty(run)
    return run


def _finish_empty(run: RatingRun) -> None:
    with transaction.atomic():
        _finish_if_complete(run.pk)
    run.refresh_from_db()


def rating_subject_recompute(*, rating: Rating) -> Rating:
    """Recompute one subject's rating with the same standard (after an objection or a
    repair changed its inputs); allowed until the rating is final."""
    if rating.status == Rating.Status.FINAL:
        raise ValidationError("评价结果已确定，不能重新计算。")
    compiled = engine.compile_standard(rating.standard)
    subject_id = rating.enterprise_id or rating.worker_id
    as_of = engine.evaluation_date(rating.year, timezone.localdate())
    rows = list(engine.inputs_for_range(compiled, rating.year, as_of, subject_id, subject_id + 1))
    if not rows:
        raise ValidationError("该主体已不在评价范围内。")
    result = engine.score(compiled, rows[0])
    rating.compliance = result.dimensions["compliance"]
    rating.quality = result.dimensions["quality"]
    rating.reputation = result.dimensions["reputation"]
    rating.commitment = result.dimensions["commitment"]
    rating.total = result.total
    rating.grade = result.grade
    rating.vetoed = result.vetoed
    rating.veto_reason = result.veto_reason
    rating.explanation = []
    rating.inputs = result.inputs
    rating.computed_at = timezone.now()
    return rating
