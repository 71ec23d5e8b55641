"""Ledger (台账) import and export: guard the file, read it, validate every row, preview,
then write all or nothing, with progress that other sessions can watch.

Flow: `ledger_import_create` (guard the upload, store it encrypted) →
`ledger_import_validate` (dry run: row errors or a preview) → `ledger_import_confirm` →
`ledger_import_run` (validates again against the registers as they are now, then writes
everything in one transaction and recomputes the derived dossier columns). Uploads and
imports above LEDGER_IMPORT_SYNC_ROWS rows are validated and run by Celery tasks on the
bulk queue; the LedgerImport row carries status, progress, counts, errors and preview.

The workbook is read, its header matched, its cells read and its errors capped by the
spreadsheet kit (`core.spreadsheets`); this package holds the ledger's column
specification (`.columns`), the row rule of each kind (`.base`, `.kinds`) and the job
(`.jobs`). Choices, measured with tests/bench/bench_ledger_import.py (100,000 worker rows,
a third with an employer: 3,300–3,900 rows/s end to end on a shared 2-core machine,
2.3–2.6× the time of building the same Worker objects with their protected fields and
bulk_create-ing them, about 3.3× the bulk_create alone):

- Reading. openpyxl's read-only reader spends ~10 µs per cell building cell objects, about
  as long as the whole write; the sheet is read with python-calamine instead (see
  `core.spreadsheets.reading`), after `open_archive` has bounded the archive.
- Validation. Every row is checked before anything is written; references are resolved in
  chunks of LOOKUP_CHUNK keys (townships once, enterprises by USCC, workers by ID hash),
  never one query per row. The largest single cost is core.validators.clean_id_number
  (~60 µs per number).
- Writing. The row rule prepares the model instances itself and writes them in batches of
  1,000 with bulk_create / bulk_update_with_history: a generic per-row import machinery
  (a result object, a widget call per field, a dict per row) costs more than the ratio
  target allows.
- Dossier columns. After the write, the set-based refresh (workers_refresh /
  enterprises_refresh on tight id ranges) recomputes every touched subject in the same
  transaction. New workers are inserted with the values it will find (see
  `new_worker_dossier`), so it rewrites no row in the common case instead of all of them.
- History. Updated records get one simple-history row each (with the user and
  "台账导入#id" as reason). Created records get none: writing a history row per new record
  doubled the write time (20.7 s against 11 s for 100,000 workers). They are traced to the
  LedgerImport row instead: who uploaded it, when, the counts, and the workbook itself,
  kept encrypted.
- Progress. Inside the write transaction the importing connection's updates are invisible
  to others, so on PostgreSQL progress is written through a second autocommit connection
  (`core.spreadsheets.progress.Progress`).
- Personal data. The stored workbook holds plain ID numbers, so it is stored encrypted
  (Fernet, core.personal_data) under a random name; previews and messages show ID
  numbers and workers' phones masked.
"""

import logging
import posixpath
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.spreadsheets import xlsx_from_dataset
from core.spreadsheets.progress import ROLLED_BACK, Progress
from core.spreadsheets.reading import FileRefused, Workbook, megabytes, open_archive, too_large
from core.spreadsheets.templates import TemplateSpec, template_workbook

from ...models import LedgerImport, Township
from .base import RegistersChanged
from .columns import LEDGER_COLUMNS
from .jobs import (
    LedgerImportStateError,
    check,
    dossiers_recompute,
    ledger_imports_fail_stalled,
    refusal,
    seal,
    transition,
)
from .kinds import LEDGERS

__all__ = [
    "SENSITIVE_KINDS",
    "SENSITIVE_PERMISSION",
    "LedgerImportStateError",
    "ledger_export",
    "ledger_export_allowed",
    "ledger_filename",
    "ledger_import_allowed",
    "ledger_import_confirm",
    "ledger_import_create",
    "ledger_import_in_background",
    "ledger_import_run",
    "ledger_import_submit",
    "ledger_import_validate",
    "ledger_imports_fail_stalled",
    "ledger_model",
    "ledger_template",
]

logger = logging.getLogger(__name__)

Status = LedgerImport.Status
Kind = LedgerImport.Kind


# --- Permissions ---------------------------------------------------------------------------


def ledger_model(kind: str):
    return LEDGERS[kind].model


# Health certificates and background checks are for the roles that keep the registers.
SENSITIVE_KINDS = {Kind.HEALTH_CERTIFICATES, Kind.BACKGROUND_CHECKS}
SENSITIVE_PERMISSION = "registry.view_sensitive_records"


def _may(user, kind: str, action: str) -> bool:
    model = ledger_model(kind)._meta
    if kind in SENSITIVE_KINDS and not user.has_perm(SENSITIVE_PERMISSION):
        return False
    return user.has_perm(f"{model.app_label}.{action}_{model.model_name}")


def ledger_import_allowed(user, kind: str) -> bool:
    """Importing a ledger needs the add permission on the model it writes."""
    return user.has_perm("registry.add_ledgerimport") and _may(user, kind, "add")


def ledger_export_allowed(user, kind: str) -> bool:
    return _may(user, kind, "view")


def _require_import_permission(actor, kind: str) -> None:
    if actor is not None and not ledger_import_allowed(actor, kind):
        raise PermissionDenied(f"您没有导入“{Kind(kind).label}”的权限。")


# --- Import ----------------------------------------------------------------------------------


def ledger_import_in_background(ledger_import: LedgerImport) -> bool:
    return ledger_import.total_rows > settings.LEDGER_IMPORT_SYNC_ROWS


def _estimate_rows(data: bytes) -> int:
    try:
        open_archive(data)
        rows = max(Workbook(data).estimate_rows() - 1, 0)
    except FileRefused as refusal_:
        raise ValidationError(str(refusal_), code="unreadable") from None
    if rows > settings.LEDGER_IMPORT_MAX_ROWS:
        raise ValidationError(
            f"工作表约有{rows}行数据，超过单次导入上限{settings.LEDGER_IMPORT_MAX_ROWS}行，"
            "请拆分为多个文件分批导入。",
            code="too_many_rows",
        )
    return rows


def ledger_import_create(*, actor, kind: str, uploaded_file) -> LedgerImport:
    """Guard an uploaded workbook and store it (encrypted); nothing is validated yet."""
    if kind not in LEDGERS:
        raise ValidationError("请选择台账类型。", code="kind")
    _require_import_permission(actor, kind)
    limit = settings.LEDGER_IMPORT_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise too_large(uploaded_file.size)
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    rows = _estimate_rows(data)
    name = posixpath.basename((uploaded_file.name or "ledger.xlsx").replace("\\", "/"))
    ledger_import = LedgerImport(
        kind=kind, original_name=name[:200], uploaded_by=actor, total_rows=rows
    )
    ledger_import.file.save(f"{uuid.uuid4().hex}.xlsx.enc", ContentFile(seal(data)), save=False)
    ledger_import.save()
    return ledger_import


def _invalid(ledger_import: LedgerImport, ledger, total: int, processed: int) -> None:
    transition(
        ledger_import,
        Status.INVALID,
        total_rows=total,
        processed_rows=processed,
        errors=[error.as_dict() for error in ledger.errors],
        message=ledger.log.summary(),
        finished_at=timezone.now(),
    )


def _refused(ledger_import: LedgerImport, refused: FileRefused, **changes) -> None:
    transition(
        ledger_import,
        Status.INVALID,
        errors=refusal(str(refused)),
        message=f"文件无法导入：{refused}",
        finished_at=timezone.now(),
        **changes,
    )


def ledger_import_validate(*, ledger_import: LedgerImport) -> LedgerImport:
    """The dry run: every row checked against the registers, errors or a preview stored."""
    transition(
        ledger_import, Status.VALIDATING, processed_rows=0, errors=[], preview=[], message=""
    )
    progress = Progress(ledger_import)
    try:
        ledger, total, notes = check(ledger_import, progress)
    except FileRefused as refused:
        _refused(ledger_import, refused)
        return ledger_import
    except Exception:
        logger.exception("ledger import %s: validation failed", ledger_import.pk)
        transition(
            ledger_import,
            Status.FAILED,
            message="校验时发生系统错误，未导入任何数据。请稍后重试，如仍失败请联系系统管理员。",
            finished_at=timezone.now(),
        )
        return ledger_import
    finally:
        progress.close()
    if ledger.error_count:
        _invalid(ledger_import, ledger, total, total)
        return ledger_import
    updates = sum(1 for record in ledger.records if record["pk"])
    transition(
        ledger_import,
        Status.PREVIEWED,
        total_rows=total,
        processed_rows=total,
        preview=ledger.preview(),
        message=" ".join(
            [
                f"校验通过：共{total}行，将新增{total - updates}条、更新{updates}条。"
                "确认导入后才会写入。",
                *notes,
            ]
        ),
    )
    return ledger_import


def ledger_import_submit(*, actor, kind: str, uploaded_file) -> LedgerImport:
    """An upload from the admin: stored, then checked now or, if large, on the bulk queue."""
    ledger_import = ledger_import_create(actor=actor, kind=kind, uploaded_file=uploaded_file)
    if ledger_import_in_background(ledger_import):
        from ...tasks import validate_ledger_import

        transaction.on_commit(
            lambda: validate_ledger_import.apply_async(
                (ledger_import.pk,), queue=settings.CELERY_BULK_QUEUE
            )
        )
        return ledger_import
    return ledger_import_validate(ledger_import=ledger_import)


def ledger_import_confirm(
    *, actor, ledger_import: LedgerImport, in_process: bool = False
) -> LedgerImport:
    """The uploader confirms: the import runs now or, if large, on the bulk queue.

    `in_process` runs it here whatever its size (the command line is a batch job already).
    """
    _require_import_permission(actor, ledger_import.kind)
    if ledger_import.uploaded_by_id != (actor.pk if actor is not None else None):
        raise PermissionDenied("只有上传该文件的人员可以确认导入。")
    transition(
        ledger_import, Status.IMPORTING, processed_rows=0, message="等待导入", finished_at=None
    )
    if not in_process and ledger_import_in_background(ledger_import):
        from ...tasks import run_ledger_import

        transaction.on_commit(
            lambda: run_ledger_import.apply_async(
                (ledger_import.pk,), queue=settings.CELERY_BULK_QUEUE
            )
        )
        return ledger_import
    return ledger_import_run(ledger_import=ledger_import)


def _write(ledger_import: LedgerImport, ledger, total: int, notes, progress) -> None:
    """Everything or nothing: the rows, the dossiers they change and the DONE status."""
    with transaction.atomic():
        outcome = ledger.write(
            actor=ledger_import.uploaded_by,
            reason=f"台账导入#{ledger_import.pk}",
            progress=progress,
        )
        dossiers_recompute(outcome, ledger.today)
        transition(
            ledger_import,
            Status.DONE,
            total_rows=total,
            processed_rows=total,
            created_count=outcome.created,
            updated_count=outcome.updated,
            errors=[],
            finished_at=timezone.now(),
            message=" ".join(
                [f"导入完成：新增{outcome.created}条，更新{outcome.updated}条。", *notes]
            ),
        )


def _rolled_back(ledger_import: LedgerImport, error: Exception) -> None:
    changed = isinstance(error, IntegrityError | RegistersChanged)
    if not changed:
        logger.exception("ledger import %s failed", ledger_import.pk)
    transition(
        ledger_import,
        Status.FAILED,
        finished_at=timezone.now(),
        message=(
            f"{ROLLED_BACK}：校验之后系统中的数据发生了变化"
            "（例如有人同时登记了相同的身份证号或统一社会信用代码）。请重新导入。"
            if changed
            else f"{ROLLED_BACK}：导入时发生系统错误。可重新导入；如仍失败请联系系统管理员。"
        ),
    )


def ledger_import_run(*, ledger_import: LedgerImport) -> LedgerImport:
    """Validate against the registers as they are now, then write everything or nothing.

    Idempotent: only an import in status IMPORTING runs; a finished one is left alone.
    """
    ledger_import.refresh_from_db()
    if ledger_import.status != Status.IMPORTING:
        return ledger_import
    progress = Progress(ledger_import)
    try:
        ledger, total, notes = check(ledger_import, progress)
        if ledger.error_count:
            _invalid(ledger_import, ledger, total, 0)
            return ledger_import
        _write(ledger_import, ledger, total, notes, progress)
    except FileRefused as refused:
        _refused(ledger_import, refused, processed_rows=0)
    except LedgerImportStateError:
        # Another run finished (or failed) this import first; its outcome stands.
        ledger_import.refresh_from_db()
    except Exception as error:
        _rolled_back(ledger_import, error)
    finally:
        progress.close()
    return ledger_import


# --- Templates and exports -------------------------------------------------------------


def ledger_filename(kind: str, what: str) -> str:
    return f"{Kind(kind).label}{what}_{timezone.localdate():%Y%m%d}.xlsx"


def ledger_template(*, kind: str) -> bytes:
    """The import template of a kind: Chinese headers (required ones in red), text format
    for identifiers, drop-down lists for choices, and a sheet of instructions."""
    townships = list(Township.objects.values_list("name", flat=True))
    columns = LEDGER_COLUMNS[kind]
    spec = TemplateSpec(
        title=Kind(kind).label,
        columns=columns,
        last_row=settings.LEDGER_IMPORT_MAX_ROWS + 1,
        text_types=frozenset({"id_number", "uscc", "phone", "mobile", "text"}),
        options={c.key: townships for c in columns if c.type == "township"},
        width_extra=4,
        guide_widths=(28, 10, 90),
        rules=(
            "1. 第一行为表头，请勿修改或删除；数据从第二行开始，每行一条。",
            "2. 日期可填写为Excel日期，或如2025-01-31、2025/1/31的文字。",
            "3. 身份证号、统一社会信用代码、电话请设为“文本”格式，避免Excel把长数字改写。",
            f"4. 单个文件不超过{settings.LEDGER_IMPORT_MAX_ROWS}行、"
            f"{megabytes(settings.LEDGER_IMPORT_MAX_BYTES)}。",
            "5. 上传后系统先逐行校验并预览；只要有一行有误，整个文件都不会导入。",
            "6. 已登记的对象按身份证号或统一社会信用代码更新，不会重复建档；"
            "空白的选填单元格不会清除已有信息。",
        ),
    )
    return template_workbook(spec)


def ledger_export(*, kind: str, queryset=None) -> bytes:
    """The register of a kind as xlsx, masked: ID numbers and worker phones never in full.

    `queryset` narrows the export (e.g. the rows selected in an admin list).
    """
    from ...resources import RESOURCES

    resource = RESOURCES[kind]()
    rows = resource.export_queryset()
    if queryset is not None:
        rows = rows.filter(pk__in=queryset.values("pk"))
    dataset = resource.export(queryset=rows, force_native_type=True)
    dataset.title = Kind(kind).label
    return xlsx_from_dataset(dataset)
