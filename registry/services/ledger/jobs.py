"""The job row of a ledger import: its stored (encrypted) workbook, its status machine,
the check of every row and the recompute of the dossiers an import touched."""

import base64
from bisect import bisect_left
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import personal_data
from core.spreadsheets.cells import first_message
from core.spreadsheets.columns import HeaderRules, find_header
from core.spreadsheets.errors import RowError
from core.spreadsheets.progress import ROLLED_BACK, Progress
from core.spreadsheets.reading import FileRefused, Workbook, open_archive
from core.spreadsheets.rows import data_rows
from core.transitions import StatusMachine

from ...completeness import Scope
from ...models import Employment, LedgerImport
from ..refresh import CHUNK_SIZE, enterprises_refresh, workers_refresh
from .base import LedgerRows, Outcome
from .columns import LEDGER_COLUMNS
from .kinds import LEDGERS

Status = LedgerImport.Status
Kind = LedgerImport.Kind


class LedgerImportStateError(Exception):
    """An action that the import's current status does not allow (e.g. confirming twice)."""


def seal(data: bytes) -> bytes:
    """The upload as stored: it holds plain ID numbers, so it is encrypted at rest."""
    return personal_data.encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def _unseal(ledger_import: LedgerImport) -> bytes:
    with ledger_import.file.open("rb") as stored:
        token = stored.read().decode("ascii")
    return base64.b64decode(personal_data.decrypt(token))


# --- Status --------------------------------------------------------------------------------

LEDGER_IMPORT_MACHINE = StatusMachine(
    LedgerImport,
    {
        Status.PENDING: {Status.VALIDATING, Status.INVALID, Status.IMPORTING},
        Status.VALIDATING: {Status.PREVIEWED, Status.INVALID, Status.FAILED},
        Status.PREVIEWED: {Status.VALIDATING, Status.IMPORTING},
        Status.IMPORTING: {Status.INVALID, Status.DONE, Status.FAILED},
        Status.FAILED: {Status.VALIDATING, Status.IMPORTING},
        Status.INVALID: set(),
        Status.DONE: set(),
    },
    message="该导入当前状态为“%(current)s”，不能转为“%(target)s”。",
    error=LedgerImportStateError,
)


def transition(ledger_import: LedgerImport, status: str, **changes) -> None:
    """Move an import to `status`, atomically and only from a status that allows it.

    A failed import wrote nothing (all or nothing): its processed rows go back to 0, so no
    page or command shows rows "processed" that were rolled back."""
    if status == Status.FAILED:
        changes["processed_rows"] = 0
    changes["status"] = status
    changes["last_progress_at"] = timezone.now()
    moved = LedgerImport.objects.filter(
        pk=ledger_import.pk, status__in=LEDGER_IMPORT_MACHINE.sources(status)
    ).update(**changes)
    if not moved:
        ledger_import.refresh_from_db(fields=["status"])
        raise LEDGER_IMPORT_MACHINE.refusal(ledger_import, status)
    for name, value in changes.items():
        setattr(ledger_import, name, value)


def ledger_imports_fail_stalled(*, now=None) -> int:
    """Mark failed the imports whose worker stopped reporting (killed by the hard time
    limit, or its machine went away). Writes are all or nothing, so such an import wrote
    nothing; the user is told to upload the file again. Returns how many were marked."""
    now = now or timezone.now()
    # Progress is reported every half second while an import runs; a task never outlives
    # its hard time limit, so twice that limit without news means the worker is gone.
    cutoff = now - timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    stalled = LedgerImport.objects.filter(
        status__in=[Status.VALIDATING, Status.IMPORTING], last_progress_at__lt=cutoff
    )
    count = 0
    for ledger_import in stalled:
        try:
            transition(
                ledger_import,
                Status.FAILED,
                message=f"{ROLLED_BACK}：后台任务中断，未能完成。请重新上传文件。",
                finished_at=now,
            )
        except LedgerImportStateError:
            continue  # it moved on meanwhile
        count += 1
    return count


def refusal(message: str) -> list[dict]:
    return [RowError(None, "", message).as_dict()]


# --- Checking ------------------------------------------------------------------------------


def header_rules(kind: str) -> HeaderRules:
    columns = LEDGER_COLUMNS[kind]
    example = "、".join(column.header for column in columns[:3])
    return HeaderRules(
        columns=columns,
        missing_hint="请使用下载的导入模板，不要改动表头。",
        not_found=f"没有找到表头：第一行应为列名，如“{example}”等。"
        f"请使用下载的“{Kind(kind).label}”导入模板。",
    )


def check(ledger_import: LedgerImport, progress: Progress) -> tuple[LedgerRows, int, list[str]]:
    """Read and validate every row; nothing is written. Raises FileRefused."""
    try:
        data = _unseal(ledger_import)
        open_archive(data)
    except ValidationError as error:
        raise FileRefused(first_message(error)) from None
    workbook = Workbook(data)
    ledger = LEDGERS[ledger_import.kind](epoch=workbook.epoch, today=timezone.localdate())
    rows = workbook.rows()
    header = find_header(rows, header_rules(ledger_import.kind))
    limit = settings.LEDGER_IMPORT_MAX_ROWS
    count = 0
    for row_no, raw in data_rows(rows, header.mapping):
        count += 1
        if count > limit:
            raise FileRefused(f"数据超过单次导入上限{limit}行，请拆分为多个文件分批导入。")
        ledger.clean(row_no, raw)
        if count % 1000 == 0:
            progress.report(count, "正在校验")
    if count == 0:
        raise FileRefused("表头下面没有数据行。")
    ledger.resolve()
    progress.report(count, "正在校验", force=True)
    notes = [f"已忽略无法识别的列：{'、'.join(header.ignored)}。"] if header.ignored else []
    return ledger, count, notes


# --- Recompute -----------------------------------------------------------------------------


def _scopes(ids, span: int = CHUNK_SIZE):
    """Tight primary-key ranges covering `ids`, none wider than `span`: the refresh is
    planned for ranges (rows created by one import are contiguous)."""
    ordered = sorted(ids)
    start = 0
    while start < len(ordered):
        low = ordered[start]
        end = bisect_left(ordered, low + span, lo=start) - 1
        yield Scope(low=low, high=ordered[end] + 1)
        start = end + 1


def dossiers_recompute(outcome: Outcome, today: date) -> None:
    """Derived dossier columns of every subject the import touched, range by range."""
    enterprise_ids = set(outcome.enterprise_ids)
    for scope in _scopes(outcome.worker_ids):
        workers_refresh(scope, today=today)
        enterprise_ids.update(
            Employment.objects.current()
            .filter(scope.on("worker_id"))
            .values_list("enterprise_id", flat=True)
        )
    for scope in _scopes(enterprise_ids):
        enterprises_refresh(scope, today=today)
