"""Running the yearly rating: a RatingRun split into id-range chunks, each computed once."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.audit import history_user
from core.history_bulk import delete_with_history
from core.sql import jit_off
from core.transitions import StatusMachine
from registry.models import Enterprise, Worker

from .. import engine, engine_events, engine_inputs
from ..models import EvaluationStandard, Rating, RatingChunk, RatingRun, SubjectType
from ..selectors import rating_run_missing_chunks

logger = logging.getLogger(__name__)

RunStatus = RatingRun.Status

# A run is queued, computed chunk by chunk, and finished or cancelled; it is never edited.
RATING_RUN_MACHINE = StatusMachine(
    RatingRun,
    {
        RunStatus.PENDING: {RunStatus.RUNNING, RunStatus.DONE, RunStatus.CANCELLED},
        RunStatus.RUNNING: {RunStatus.DONE, RunStatus.CANCELLED},
        RunStatus.DONE: set(),
        RunStatus.FAILED: set(),
        RunStatus.CANCELLED: set(),
    },
    message="该评价批次%(current)s，不能取消。",
)

SUBJECT_MODELS = {SubjectType.ENTERPRISE: Enterprise, SubjectType.WORKER: Worker}
# First key of the advisory lock that serialises building a run's inputs table.
INPUTS_LOCK = 4_027_001
EVENTS_LOCK = 4_027_002


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


def rating_run_problems(year: int) -> list[str]:
    """Why a run of `year` should not start now: one is still unfinished (two would
    overwrite each other's drafts), or every rating of the year is final (a run would change
    nothing). The start page, the command and the yearly task ask this before starting."""
    problems = []
    unfinished = RatingRun.objects.filter(year=year, status__in=RatingRun.UNFINISHED).first()
    if unfinished is not None:
        started = timezone.localtime(unfinished.created_at)
        problems.append(
            f"{year}年度已有评价批次正在进行：批次 {unfinished.pk}"
            f"（{started:%Y-%m-%d %H:%M}发起，{unfinished.get_status_display()}，"
            f"已完成{unfinished.chunks_done}/{unfinished.chunks_total}批）。"
            "请等它完成；如果它长时间没有进展，可以在该批次页面取消后重新发起。"
        )
    ratings = Rating.objects.filter(year=year)
    if ratings.exists() and not ratings.exclude(status=Rating.Status.FINAL).exists():
        problems.append(f"{year}年度评价结果均已确定，重新评价不会改变结果。")
    return problems


@transaction.atomic
def rating_run_start(
    *,
    actor,
    year: int,
    chunk_size: int | None = None,
    origin: str = RatingRun.Origin.ADMIN,
) -> RatingRun:
    """Create a run and its chunks; the chunk tasks are queued once the run is committed."""
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": "评价年度不正确。"})
    problems = rating_run_problems(year)
    if problems:
        raise ValidationError(problems)
    standards = {kind: active_standard(year, kind) for kind in SubjectType.values}
    for standard in standards.values():
        problems = standard_problems(standard)
        if problems:
            raise ValidationError(f"{standard}：" + "；".join(problems))
    chunk_size = chunk_size or settings.CREDIT_RATING_CHUNK_SIZE
    try:
        with transaction.atomic():
            run = RatingRun.objects.create(
                year=year,
                enterprise_standard=standards[SubjectType.ENTERPRISE],
                worker_standard=standards[SubjectType.WORKER],
                chunk_size=chunk_size,
                triggered_by=actor if getattr(actor, "pk", None) else None,
                origin=origin,
                status=RatingRun.Status.PENDING,
            )
    except IntegrityError as exc:
        # Another run of the year was started at the same moment and committed first.
        problems = rating_run_problems(year) or [f"{year}年度已有评价批次正在进行。"]
        raise ValidationError(problems) from exc
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
    if chunk is None or not chunk.run.is_unfinished:
        return None
    run = chunk.run
    table = engine.inputs_table_name(run.pk, chunk.subject_type)
    events_table = None if engine.inputs_table_ready(table) else _run_events_prepare(run)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One builder per run and subject type; the others wait here, then find it.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [INPUTS_LOCK, run.pk * 2 + (chunk.subject_type == SubjectType.WORKER)],
            )
        if engine.inputs_table_ready(table):
            return table
        if not RatingRun.objects.filter(pk=run.pk, status__in=RatingRun.UNFINISHED).exists():
            return None
        jit_off()
        bounds = run.chunks.filter(subject_type=chunk.subject_type).aggregate(
            low=Min("low"), high=Max("high")
        )
        engine.inputs_table_build(
            engine.compile_standard(_chunk_standard(chunk)), year=run.year,
            as_of=engine_inputs.evaluation_date(run.year, timezone.localdate()), table=table,
            low=bounds["low"], high=bounds["high"], events_table=events_table,
        )  # fmt: skip
    return table


def _run_events_prepare(run: RatingRun) -> str:
    """The run's year of credit events, aggregated once for both subject types
    (`credit.engine_events`): the first chunk to need it builds it, another waits for it.
    In its own transaction, so the other type's inputs need not wait for this one's."""
    table = engine_events.events_table_name(run.pk)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [EVENTS_LOCK, run.pk])
        if engine_events.events_table_ready(table):
            return table
        jit_off()
        standards = [run.enterprise_standard, run.worker_standard]
        engine_events.events_table_build(
            [engine.compile_standard(s) for s in standards if s is not None], year=run.year,
            as_of=engine_inputs.evaluation_date(run.year, timezone.localdate()), table=table,
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
    and a chunk interrupted half-way left nothing behind (one transaction). A chunk of a run
    that is no longer current (cancelled, or finished) writes and deletes nothing."""
    run_id = RatingChunk.objects.filter(pk=chunk_id).values_list("run_id", flat=True).first()
    if run_id is None:
        return False
    now = timezone.now()
    # Shown as started at once; outside the chunk's transaction, which would otherwise hold
    # the run row, and so every other worker's chunk, until it commits.
    RatingRun.objects.filter(
        pk=run_id, status__in=RATING_RUN_MACHINE.sources(RatingRun.Status.RUNNING)
    ).update(status=RatingRun.Status.RUNNING, started_at=now, progressed_at=now)
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
        if chunk is None or not chunk.run.is_unfinished:
            return False
        jit_off()
        run = chunk.run
        compiled = engine.compile_standard(_chunk_standard(chunk))
        as_of = engine_inputs.evaluation_date(run.year, timezone.localdate())
        if inputs_table and not engine.inputs_table_ready(inputs_table):
            inputs_table = None  # emptied by a crash since: aggregate this range here
        count = engine.rate_range(
            compiled, year=run.year, as_of=as_of, low=chunk.low, high=chunk.high,
            run_id=run.pk, now=timezone.now(), inputs_table=inputs_table,
        )  # fmt: skip
        # The run is checked again under its row lock, which this UPDATE takes: should the
        # run have been cancelled while the chunk was computed (PostgreSQL re-reads the row
        # once the cancelling transaction commits), nothing of the chunk is kept. A cancel
        # coming later waits for this transaction.
        counted = RatingRun.objects.filter(pk=run.pk, status__in=RatingRun.UNFINISHED).update(
            chunks_done=F("chunks_done") + 1,
            subjects_done=F("subjects_done") + count,
            progressed_at=timezone.now(),
        )
        if not counted:
            transaction.set_rollback(True)
            logger.warning("rating run %s is not current: chunk %s discarded", run.pk, chunk_id)
            return False
        chunk.done_at = timezone.now()
        chunk.subjects = count
        chunk.save(update_fields=["done_at", "subjects"])
        _finish_if_complete(run.pk)
    return True


def _finish_if_complete(run_id: int) -> None:
    run = RatingRun.objects.select_for_update().get(pk=run_id)
    # Only the current run finishes: a cancelled run, or one finished already, withdraws
    # nothing (the ratings of the year are by then another run's).
    if not RATING_RUN_MACHINE.can(run, RunStatus.DONE) or run.chunks_done < run.chunks_total:
        return
    # Draft ratings of the year that this run did not produce belong to subjects no
    # longer active (deregistered, left the trade): they are withdrawn.
    # One INSERT … SELECT of their history rows and one DELETE, not one of each per rating.
    stale = Rating.objects.filter(year=run.year, status=Rating.Status.DRAFT).exclude(run=run)
    delete_with_history(stale, reason="评价时已不在评价范围，草稿撤回")
    _inputs_tables_drop(run.pk)
    RATING_RUN_MACHINE.transition(
        run,
        RunStatus.DONE,
        actor=None,
        changes={
            "finished_at": timezone.now(),
            "subjects_total": run.subjects_done,
            "message": f"共评价{run.subjects_done}个主体。",
        },
        update_fields=["finished_at", "subjects_total", "message"],
        clean=False,
    )
    logger.info("rating run %s for %s finished: %s subjects", run.pk, run.year, run.subjects_done)


def _inputs_tables_drop(run_id: int) -> None:
    if connection.vendor == "postgresql":
        for subject_type in SubjectType.values:
            engine.inputs_table_drop(engine.inputs_table_name(run_id, subject_type))
        engine.inputs_table_drop(engine_events.events_table_name(run_id))


def rating_run_can_cancel(run: RatingRun) -> bool:
    return RATING_RUN_MACHINE.can(run, RunStatus.CANCELLED)


@transaction.atomic
def rating_run_cancel(*, actor, run: RatingRun) -> RatingRun:
    """Cancel an unfinished run (a stuck one, before starting the year again). Its chunks
    still in the queue, or delivered again later, then change nothing; the drafts its
    finished chunks wrote stay until the next run of the year replaces them."""
    # FOR UPDATE waits for the chunks being written: they commit first, or find the run
    # cancelled and keep nothing.
    run = RatingRun.objects.select_for_update().get(pk=run.pk)
    now = timezone.now()
    who = getattr(actor, "username", "") or "系统"
    RATING_RUN_MACHINE.transition(
        run,
        RunStatus.CANCELLED,
        actor=actor,
        changes={
            "finished_at": now,
            "cancelled_by": history_user(actor),
            "message": (
                f"{who}于{timezone.localtime(now):%Y-%m-%d %H:%M}取消了本批次"
                f"（已完成{run.chunks_done}/{run.chunks_total}批，未完成的批次不再计算）。"
            ),
        },
        update_fields=["finished_at", "cancelled_by", "message"],
        clean=False,
    )
    logger.warning("rating run %s for %s cancelled by %s", run.pk, run.year, who)
    # Its inputs tables go with the daily clean-up: dropping them here would wait for the
    # chunks still reading them.
    return run


def rating_runs_resume_stalled(*, now=None) -> list[int]:
    """Queue again the missing chunks of every unfinished run without progress for
    CREDIT_RATING_STALL_SECONDS: the tasks of a worker killed mid-chunk stay unacknowledged
    on Redis until the visibility timeout (an hour). A chunk still being computed by a
    live worker is skipped by the extra task (its row is locked), one done by then is
    skipped too. Returns the ids of the runs resumed."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CREDIT_RATING_STALL_SECONDS)
    stalled = (
        RatingRun.objects.filter(status__in=RatingRun.UNFINISHED)
        .annotate(last_progress=Coalesce("progressed_at", "created_at"))
        .filter(last_progress__lt=cutoff)
    )
    resumed = []
    for run in stalled:
        # Claimed by moving its clock forward: a second watchdog at the same moment (two
        # beats, a task delivered twice) finds it fresh and leaves it.
        same_clock = (
            Q(progressed_at=run.progressed_at)
            if run.progressed_at
            else Q(progressed_at__isnull=True)
        )
        claimed = RatingRun.objects.filter(
            same_clock, pk=run.pk, status__in=RatingRun.UNFINISHED
        ).update(progressed_at=now, resumed_count=F("resumed_count") + 1)
        if not claimed:
            continue
        logger.warning(
            "rating run %s for %s made no progress since %s: queueing its %s missing chunks again",
            run.pk, run.year, run.last_progress, rating_run_missing_chunks(run).count(),
        )  # fmt: skip
        rating_run_enqueue(run)
        resumed.append(run.pk)
    return resumed


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
        if run is None or not run.is_unfinished or run.created_at < now - ABANDONED_AFTER:
            engine.inputs_table_drop(table)
            dropped += 1
    if dropped:
        logger.info("dropped %s rating inputs tables no run needs", dropped)
    return dropped


def rating_run_year(
    *,
    actor,
    year: int,
    sync: bool = False,
    chunk_size=None,
    origin: str = RatingRun.Origin.ADMIN,
) -> RatingRun:
    """Rate every active enterprise and worker for `year`.

    With `sync` the chunks run here, one after another (the shell command's --sync);
    otherwise they go to the `bulk` queue after the run is committed."""
    run = rating_run_start(actor=actor, year=year, chunk_size=chunk_size, origin=origin)
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


def rating_run_scheduled(*, year: int) -> RatingRun | None:
    """The yearly run by beat: at most one per year, however often the task is delivered
    (two beats, a redelivered message). Returns the run, or None when it was not started."""
    if RatingRun.objects.filter(year=year, origin=RatingRun.Origin.SCHEDULE).exists():
        logger.info("the scheduled rating run of %s was started already", year)
        return None
    try:
        return rating_run_year(actor=None, year=year, origin=RatingRun.Origin.SCHEDULE)
    except ValidationError as exc:
        logger.warning("the scheduled rating run of %s did not start: %s", year, exc.messages)
        return None


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
    as_of = engine_inputs.evaluation_date(rating.year, timezone.localdate())
    rows = list(
        engine_inputs.inputs_for_range(compiled, rating.year, as_of, subject_id, subject_id + 1)
    )
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
