"""Importing credit records (信用记录) from an Excel workbook.

Staff record facts one at a time in the admin, or a batch of them (a spot-check campaign,
a list of penalties, a training roll) from a workbook with Chinese headers: one row is one
record about one subject — an enterprise by 统一社会信用代码 or a worker by 身份证号 —
named as in the register. Every row is checked before anything is written; one bad row and
nothing is. The records are then written through `credit_event_record` (source 批量导入)
inside one transaction, so an imported record gets the same rules, idempotency and audit
trail (simple-history, 录入人) as one entered by hand.

Reuse. The upload guard, the workbook reader, the header matching, the cell readers and the
capped row errors are the spreadsheet kit's (`core.spreadsheets`); the columns and the
template are in `credit.services.import_columns`. This module adds the rules of a row.

No job row; synchronous only. Credit records are entered a few hundred at a time; bulk
history (the enterprises, workers and their documents) lives in the registers, whose ledger
import has the background jobs and progress for files of 100,000 rows. So the import runs
in the request or the command for up to LEDGER_IMPORT_SYNC_ROWS rows and refuses a larger
file with a message, instead of keeping a job model and a Celery task for a case that does
not occur.

Preview, then confirm with the same file. The admin shows a dry run and asks for the file
again to confirm. The file is not kept in between: there is nothing holding ID numbers to
encrypt, expire or clean up, and nobody else can confirm someone's upload. The preview
names its import id — a digest of the file's bytes — and the confirmation carries it: a
different file is checked and previewed again, never written unseen.

Idempotency. A row's 来源编号 is the record's `source_ref`; a blank one becomes
"import:<import id>:<row>", so importing the same file twice (or confirming twice) records
nothing twice — give 来源编号 for a file that may be edited and re-saved. A row whose record
already exists is skipped, whatever its status: a record staff revoked is not brought back
by importing a file again (credit_event_record would reactivate it). A 来源编号 already used
for a different fact (another date, severity or 事由) is an error, not a silent skip.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import personal_data
from core.spreadsheets.columns import (
    HeaderRules,
    find_header,
    full_width_brackets,
    normalise_header,
)
from core.spreadsheets.errors import RowError
from core.spreadsheets.reading import FileRefused, Workbook, read_upload
from core.spreadsheets.results import ImportResult
from core.spreadsheets.rows import RowCheck, data_rows
from registry.models import Enterprise, Worker

from ..models import CreditEvent, EventKind, Severity
from .events import credit_event_record, disclosure_until
from .import_columns import (
    COLUMNS,
    CREDIT_READERS,
    ENTERPRISE,
    HEADERS,
    SUBJECT_ALIASES,
    SUBJECT_TYPES,
    WORKER,
)

IMPORT_PERMISSION = "credit.add_creditevent"
PREVIEW_ROWS = 100
LOOKUP_CHUNK = 2000
REVIEW_SCORES = (Decimal(1), Decimal(5))
# A 来源编号 names one fact: re-importing it with another of these is an error, not a skip.
FACT_FIELDS = ("occurred_on", "severity", "title")
# CreditEvent fields whose model errors are reported under a column of the workbook.
FIELD_HEADERS = {
    **{name: HEADERS[name] for name in ("kind", "severity", "occurred_on", "title")},
    **{name: HEADERS[name] for name in ("description", "tag", "value", "source_ref")},
    **{name: HEADERS[name] for name in ("legal_basis", "authority")},
    "disclosure_until": HEADERS["disclosure_days"],
}
SUBJECT_KEYS = frozenset({"subject_type", "uscc", "id_number", "subject_name"})


def _header_text(value) -> str:
    # 公示期(天) typed with ASCII brackets is the same header.
    return full_width_brackets(normalise_header(value))


HEADER_RULES = HeaderRules(
    columns=COLUMNS,
    missing_hint="请使用下载的信用记录导入模板，不要改动表头。",
    not_found="没有找到表头：第一行应为列名，如“主体类型、统一社会信用代码、身份证号”等。"
    "请使用下载的信用记录导入模板。",
    normalise=_header_text,
)


# --- Result ----------------------------------------------------------------------------------


@dataclass
class CreditImportResult(ImportResult):
    """What an import found and did. `preview` holds the first PREVIEW_ROWS rows as shown."""

    new_count: int = 0
    existing_count: int = 0
    notes: list[str] = field(default_factory=list)

    def outcome(self) -> str:
        skipped = f"，{self.existing_count}条已导入过，不会重复记录" if self.existing_count else ""
        if self.written:
            text = f"导入完成：新增{self.new_count}条信用记录{skipped}。"
        else:
            text = (
                f"校验通过：共{self.total_rows}行，将新增{self.new_count}条信用记录{skipped}。"
                "确认导入后才会写入。"
            )
            if self.changed_file:
                text = "所选文件与预览时的文件不一致，已按此文件重新校验，未写入。" + text
        return " ".join([text, *self.notes])


# --- Permission ------------------------------------------------------------------------------


def credit_import_allowed(user) -> bool:
    return user.has_perm(IMPORT_PERMISSION)


def _require_permission(actor) -> None:
    # No actor: the command line run without --user, by whoever may run manage.py.
    if actor is not None and not credit_import_allowed(actor):
        raise PermissionDenied("您没有导入信用记录的权限。")


def _same_name(typed: str, registered: str) -> bool:
    """Names match whatever the spaces and the width of the brackets: 舟曲县某某(个体)."""
    return full_width_brackets(re.sub(r"\s+", "", typed)) == full_width_brackets(
        re.sub(r"\s+", "", registered)
    )


# --- Checking every row ---------------------------------------------------------------------


class _Check(RowCheck):
    """Every row read and checked against the registers and the credit file; no writes.

    Each record is a dict of cleaned values keyed by column key, plus "row" (the Excel row),
    "subject" ((type, id) once resolved), "source_ref" (the effective one), "until" (the
    disclosure end) and "exists" (the record is already in the credit file).
    """

    columns = COLUMNS
    readers = CREDIT_READERS
    choice_aliases = {"subject_type": SUBJECT_ALIASES}

    def __init__(self, *, epoch, today: date, import_id: str):
        super().__init__(epoch=epoch)
        self.today = today
        self.import_id = import_id
        self.records: list[dict] = []
        self._keys: dict[tuple, int] = {}

    def error(self, row: int, key: str, message: str) -> None:
        self.add_error(row, HEADERS[key], message)

    def clean(self, row: int, raw: dict[str, object]) -> None:
        """One row on its own: each cell, then the rules across its cells. A row whose
        subject cells are readable is kept for `resolve` even if other cells are wrong, so
        that an unregistered subject is reported in the same pass."""
        record: dict = {"row": row}
        bad = self.read_cells(row, raw, record)
        for key, message in self._rules(record, bad):
            self.error(row, key, message)
            bad.add(key)
        record["valid"] = not bad
        if bad & SUBJECT_KEYS:
            return
        self._identify(row, record)
        self.records.append(record)

    def _identify(self, row: int, record: dict) -> None:
        """The subject's key; a valid row's effective 来源编号, unique within the file."""
        if record["subject_type"] == ENTERPRISE:
            record["subject_key"] = (ENTERPRISE, record["uscc"])
        else:
            record["hash"] = personal_data.lookup_hash(record["id_number"].number)
            record["subject_key"] = (WORKER, record["hash"])
        if not record["valid"]:
            return
        record["source_ref"] = record["source_ref"] or f"import:{self.import_id}:{row}"
        key = (record["source_ref"], record["kind"], record["subject_key"])
        first = self._keys.setdefault(key, row)
        if first != row:
            self.error(
                row, "source_ref", f"与第{first}行的来源编号、记录类型和主体都相同，是同一条记录。"
            )
            record["valid"] = False

    def _rules(self, record: dict, bad: set[str]):
        """(column key, message) for each rule across the readable cells of a row."""
        subject_type = record["subject_type"]
        if subject_type == ENTERPRISE:
            if record["uscc"] is None and "uscc" not in bad:
                yield "uscc", "主体类型为企业时必填。"
            if record["id_number"] is not None:
                yield "id_number", "主体类型为企业时不填身份证号。"
        elif subject_type == WORKER:
            if record["id_number"] is None and "id_number" not in bad:
                yield "id_number", "主体类型为从业人员时必填。"
            if record["uscc"] is not None:
                yield "uscc", "主体类型为从业人员时不填统一社会信用代码。"
        occurred_on = record["occurred_on"]
        if occurred_on is not None and occurred_on > self.today:
            yield "occurred_on", "发生日期不能晚于今天。"
        if record["kind"] == EventKind.SERVICE_REVIEW and "value" not in bad:
            low, high = REVIEW_SCORES
            if record["value"] is None or not low <= record["value"] <= high:
                yield "value", "服务评价须填写1–5的分数。"
        if occurred_on is not None and record["severity"] and "disclosure_days" not in bad:
            try:
                record["until"] = disclosure_until(
                    record["severity"], occurred_on, record["disclosure_days"]
                )
            except ValidationError as error:
                yield "disclosure_days", error.messages[0]

    def resolve(self) -> None:
        """Find every subject in the registers, then every record already in the credit
        file; only rows without any error remain."""
        enterprises = _lookup(
            Enterprise.objects,
            "uscc",
            {r["uscc"] for r in self.records if r["subject_type"] == ENTERPRISE},
        )
        workers = _lookup(
            Worker.objects,
            "id_number_hash",
            {r["hash"] for r in self.records if r["subject_type"] == WORKER},
        )
        valid = []
        for record in self.records:
            if record["subject_type"] == ENTERPRISE:
                found, key = enterprises.get(record["uscc"]), "uscc"
                unknown, wrong = "该企业未在档案中登记。", "与统一社会信用代码对应的企业名称"
            else:
                found, key = workers.get(record["hash"]), "id_number"
                unknown, wrong = "该从业人员未在档案中登记。", "与身份证号对应的从业人员姓名"
            if found is None:
                self.error(record["row"], key, unknown)
            elif not _same_name(record["subject_name"], found[1]):
                self.error(
                    record["row"], "subject_name", f"{wrong}为“{found[1]}”，与本行不一致，请核对。"
                )
            elif record["valid"]:
                record["subject"] = (record["subject_type"], found[0])
                valid.append(record)
        self.records = valid
        self._find_existing()

    def _find_existing(self) -> None:
        existing: dict[tuple, tuple] = {}
        refs = sorted({record["source_ref"] for record in self.records})
        for start in range(0, len(refs), LOOKUP_CHUNK):
            rows = CreditEvent.objects.filter(
                source_ref__in=refs[start : start + LOOKUP_CHUNK]
            ).values_list("source_ref", "kind", "enterprise_id", "worker_id", *FACT_FIELDS)
            for ref, kind, enterprise_id, worker_id, *fact in rows:
                subject = (ENTERPRISE, enterprise_id) if enterprise_id else (WORKER, worker_id)
                existing[(ref, kind, subject)] = tuple(fact)
        valid = []
        for record in self.records:
            stored = existing.get((record["source_ref"], record["kind"], record["subject"]))
            record["exists"] = stored is not None
            if stored is not None and stored != tuple(record[name] for name in FACT_FIELDS):
                occurred_on, _, title = stored
                self.error(
                    record["row"],
                    "source_ref",
                    f"来源编号“{record['source_ref']}”已用于{occurred_on:%Y-%m-%d}的"
                    f"“{title}”这条信用记录，与本行的发生日期、严重程度或事由不一致。"
                    "同一来源编号只能对应一条记录；如需更正，请撤销原记录后换用新的来源编号。",
                )
            else:
                valid.append(record)
        self.records = valid

    def preview(self) -> list[dict]:
        return [_preview_row(record) for record in self.records[:PREVIEW_ROWS]]


def _lookup(manager, field_name: str, keys: set[str]) -> dict[str, tuple[int, str]]:
    """{key: (pk, name)} for the subjects whose `field_name` is one of `keys`."""
    found: dict[str, tuple[int, str]] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        rows = manager.filter(**{f"{field_name}__in": chunk}).values_list(field_name, "pk", "name")
        found.update({key: (pk, name) for key, pk, name in rows})
    return found


def _preview_row(record: dict) -> dict:
    enterprise = record["subject_type"] == ENTERPRISE
    value = record["value"]
    return {
        "row": record["row"],
        "action": "已导入过，跳过" if record["exists"] else "新增",
        "values": [
            dict(SUBJECT_TYPES)[record["subject_type"]],
            record["uscc"] if enterprise else record["id_number"].masked,
            record["subject_name"],
            EventKind(record["kind"]).label,
            Severity(record["severity"]).label,
            record["occurred_on"].isoformat(),
            record["title"],
            record["tag"] or "",
            "" if value is None else f"{value.normalize():f}",
            record["until"].isoformat(),
            record["source_ref"],
        ],
    }


# --- Import ----------------------------------------------------------------------------------


class _RowFailed(Exception):
    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


def _read(actor, uploaded_file) -> tuple[bytes, Workbook]:
    """The upload, guarded like a ledger and refused above the synchronous limit."""
    _require_permission(actor)
    data = read_upload(uploaded_file)
    try:
        workbook = Workbook(data)
    except FileRefused as refusal:
        raise ValidationError(str(refusal), code="unreadable") from None
    _refuse_above_limit(workbook.estimate_rows() - 1)
    return data, workbook


def _refuse_above_limit(rows: int) -> None:
    limit = settings.LEDGER_IMPORT_SYNC_ROWS
    if rows > limit:
        raise ValidationError(
            f"信用记录每次最多导入{limit}行，本文件约有{rows}行数据，请拆分为多个文件分批导入。",
            code="too_many_rows",
        )


def _check(data: bytes, workbook: Workbook) -> tuple[_Check, int]:
    check = _Check(
        epoch=workbook.epoch,
        today=timezone.localdate(),
        import_id=hashlib.sha256(data).hexdigest()[:12],
    )
    rows = workbook.rows()
    count = 0
    try:
        header = find_header(rows, HEADER_RULES)
        for row_no, raw in data_rows(rows, header.mapping):
            count += 1
            _refuse_above_limit(count)
            check.clean(row_no, raw)
    except FileRefused as refusal:
        raise ValidationError(str(refusal), code="unreadable") from None
    if count == 0:
        raise ValidationError("表头下面没有数据行。", code="empty")
    check.resolve()
    return check, count


def _write(check: _Check, actor) -> int:
    """Record every new row through the credit service; all rows or none."""
    new = [record for record in check.records if not record["exists"]]
    enterprises = Enterprise.objects.in_bulk(
        [r["subject"][1] for r in new if r["subject_type"] == ENTERPRISE]
    )
    workers = Worker.objects.in_bulk([r["subject"][1] for r in new if r["subject_type"] == WORKER])
    changed = RowError(
        None,
        "",
        "导入未完成，未写入任何数据：校验之后档案发生了变化（如主体被删除）。请重新导入。",
    )
    try:
        with transaction.atomic():
            for record in new:
                kind, pk = record["subject"]
                subject = (enterprises if kind == ENTERPRISE else workers).get(pk)
                if subject is None:
                    raise _RowFailed(changed)
                try:
                    credit_event_record(
                        actor=actor,
                        kind=record["kind"],
                        occurred_on=record["occurred_on"],
                        title=record["title"],
                        enterprise=subject if kind == ENTERPRISE else None,
                        worker=subject if kind == WORKER else None,
                        severity=record["severity"],
                        description=record["description"] or "",
                        tag=record["tag"] or "",
                        value=record["value"],
                        source=CreditEvent.Source.IMPORT,
                        source_ref=record["source_ref"],
                        disclosure_days=record["disclosure_days"],
                        legal_basis=record["legal_basis"] or "",
                        authority=record["authority"] or "",
                    )
                except ValidationError as error:
                    raise _RowFailed(_row_error(record["row"], error)) from None
    except IntegrityError:
        # Foreign keys are checked at commit on PostgreSQL: a subject deleted meanwhile.
        raise _RowFailed(changed) from None
    return len(new)


def _row_error(row: int, error: ValidationError) -> RowError:
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        return RowError(row, FIELD_HEADERS.get(name, ""), errors[0].messages[0])
    return RowError(row, "", error.messages[0])


def credit_events_import(
    *, actor, uploaded_file, dry_run: bool = False, previewed_import_id: str = ""
) -> CreditImportResult:
    """Check every row of a workbook of credit records, then (unless `dry_run`) record them
    all or none. `previewed_import_id` is the import id of the preview being confirmed: a
    different file is only checked and previewed.

    Raises ValidationError when the file itself cannot be imported (not an xlsx, too large,
    too many rows, no header) and PermissionDenied when `actor` may not add credit records.
    """
    data, workbook = _read(actor, uploaded_file)
    check, total = _check(data, workbook)
    result = CreditImportResult(
        import_id=check.import_id,
        total_rows=total,
        new_count=sum(1 for record in check.records if not record["exists"]),
        existing_count=sum(1 for record in check.records if record["exists"]),
        changed_file=bool(previewed_import_id) and previewed_import_id != check.import_id,
    )
    if check.error_count:
        result.errors, result.error_count = check.errors, check.error_count
        return result
    result.preview = check.preview()
    if total > len(result.preview):
        result.notes.append(f"预览仅显示前{len(result.preview)}行。")
    if dry_run or result.changed_file:
        return result
    try:
        result.new_count = _write(check, actor)
    except _RowFailed as failure:
        result.errors, result.error_count = [failure.error], 1
        return result
    result.written = True
    result.notes = []
    return result
