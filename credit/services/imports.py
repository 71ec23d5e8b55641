"""Importing credit records (信用记录) from an Excel workbook.

Staff record facts one at a time in the admin, or a batch of them (a spot-check campaign,
a list of penalties, a training roll) from a workbook with Chinese headers: one row is one
record about one subject — an enterprise by 统一社会信用代码 or a worker by 身份证号 —
named as in the register. Every row is checked before anything is written; one bad row and
nothing is. The records are then written through `credit_event_record` (source 批量导入)
inside one transaction, so an imported record gets the same rules, idempotency and audit
trail (simple-history, 录入人) as one entered by hand.

Reuse. The upload guard (`open_archive`), the workbook reader (`Workbook`), the row error
and the cell readers are registry's, from `registry.services.ledger`; the columns are
described with `registry.resources.Column`. This module adds the credit columns and rules.

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
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import personal_data
from core.spreadsheets import ExportWorkbook
from registry.models import Enterprise, Worker
from registry.resources import Column
from registry.services.ledger import (
    EXCEL_ERRORS,
    HEADER_SEARCH_ROWS,
    MAX_STORED_ERRORS,
    CellError,
    FileRefused,
    RowError,
    Workbook,
    as_text,
    normalise_header,
    open_archive,
    read_date,
    read_identity,
    read_uscc,
)

from ..models import CreditEvent, EventKind, Severity, SubjectType
from .events import DISCLOSURE_DAYS, credit_event_record, disclosure_until

IMPORT_PERMISSION = "credit.add_creditevent"
PREVIEW_ROWS = 100
LOOKUP_CHUNK = 2000
REVIEW_SCORES = (Decimal(1), Decimal(5))
# A 来源编号 names one fact: re-importing it with another of these is an error, not a skip.
FACT_FIELDS = ("occurred_on", "severity", "title")

ENTERPRISE = SubjectType.ENTERPRISE
WORKER = SubjectType.WORKER
SUBJECT_TYPES = ((ENTERPRISE, "企业"), (WORKER, "从业人员"))
# Other spellings staff use for the same two subject types.
SUBJECT_ALIASES = {"家政企业": ENTERPRISE, "个体经营者": ENTERPRISE, "个人": WORKER}

COLUMNS: tuple[Column, ...] = (
    Column(
        "subject_type",
        "主体类型",
        "choice",
        required=True,
        choices=SUBJECT_TYPES,
        help="企业或从业人员（个体经营者填“企业”）",
    ),
    Column(
        "uscc",
        "统一社会信用代码",
        "uscc",
        help="主体类型为企业时必填，须为已在档案中登记的企业；请将此列设为文本格式",
    ),
    Column(
        "id_number",
        "身份证号",
        "id_number",
        help="主体类型为从业人员时必填，须为已在档案中登记的从业人员；请将此列设为文本格式",
    ),
    Column(
        "subject_name",
        "主体名称",
        required=True,
        max_length=100,
        help="企业名称或从业人员姓名，须与档案中登记的一致",
    ),
    Column("kind", "记录类型", "choice", required=True, choices=tuple(EventKind.choices)),
    Column("severity", "严重程度", "choice", required=True, choices=tuple(Severity.choices)),
    Column(
        "occurred_on",
        "发生日期",
        "date",
        required=True,
        help="如2025-01-31或2025/1/31，不能晚于今天",
    ),
    Column("title", "事由", required=True, max_length=200, help="一句话说明，如“上门服务迟到”"),
    Column("description", "详细情况", max_length=5000),
    Column(
        "tag",
        "细分类别",
        max_length=30,
        help="如投诉类别“人身安全”、处罚原因“欺诈”；一票否决规则按此匹配",
    ),
    Column(
        "value",
        "数值",
        "decimal",
        help="服务评价必填，为1–5分；培训可填学时；最多两位小数",
    ),
    Column(
        "disclosure_days",
        "公示期（天）",
        "integer",
        help="留空按最长期限。轻微0–90天，一般90–365天，严重365–1095天",
    ),
    Column(
        "source_ref",
        "来源编号",
        max_length=80,
        help="如处罚决定书文号、抽查批次号；同一来源编号重复导入不会重复记录。"
        "留空时按文件和行号生成",
    ),
)
HEADERS = {column.key: column.header for column in COLUMNS}
PREVIEW_HEADERS = (
    "主体类型",
    "统一社会信用代码/身份证号",
    "主体名称",
    "记录类型",
    "严重程度",
    "发生日期",
    "事由",
    "细分类别",
    "数值",
    "公示截止日期",
    "来源编号",
)
# CreditEvent fields whose model errors are reported under a column of the workbook.
FIELD_HEADERS = {
    "kind": HEADERS["kind"],
    "severity": HEADERS["severity"],
    "occurred_on": HEADERS["occurred_on"],
    "title": HEADERS["title"],
    "description": HEADERS["description"],
    "tag": HEADERS["tag"],
    "value": HEADERS["value"],
    "source_ref": HEADERS["source_ref"],
    "disclosure_until": HEADERS["disclosure_days"],
}


# --- Result ----------------------------------------------------------------------------------


@dataclass
class CreditImportResult:
    """What an import found and did. `preview` holds the first PREVIEW_ROWS rows as shown."""

    import_id: str
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    preview: list[dict] = field(default_factory=list)
    new_count: int = 0
    existing_count: int = 0
    written: bool = False
    changed_file: bool = False  # the confirmed file is not the one previewed
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def message(self) -> str:
        if self.error_count:
            text = f"发现{self.error_count}处错误，未导入任何数据。请修改后重新上传。"
            if self.error_count > len(self.errors):
                text += f"（仅列出前{len(self.errors)}处）"
            return text
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


# --- Reading cells ---------------------------------------------------------------------------


def _choice_lookup(column: Column) -> dict[str, str]:
    lookup = {value: value for value, _ in column.choices}
    lookup.update({label: value for value, label in column.choices})
    if column.key == "subject_type":
        lookup.update(SUBJECT_ALIASES)
    return lookup


_CHOICES = {column.key: _choice_lookup(column) for column in COLUMNS if column.choices}


def _read_choice(value, column: Column) -> str:
    text = as_text(value)
    if text in _CHOICES[column.key]:
        return _CHOICES[column.key][text]
    options = "、".join(label for _, label in column.choices)
    raise CellError(f"“{text}”不是可选的值，请填写：{options}。")


def _read_text(value, column: Column) -> str:
    text = as_text(value)
    if column.max_length and len(text) > column.max_length:
        raise CellError(f"不能超过{column.max_length}个字，当前为{len(text)}个字。")
    return text


def _read_value(value, column: Column) -> Decimal:
    try:
        number = Decimal(as_text(value))
    except InvalidOperation:
        raise CellError("请填写数字，如4或4.5。") from None
    if not number.is_finite():
        raise CellError("请填写数字，如4或4.5。")
    if number < 0:
        raise CellError("不能为负数。")
    if number != number.quantize(Decimal("0.01")) or number >= 1_000_000:
        raise CellError("最多保留两位小数，且小于1000000。")
    return number.quantize(Decimal("0.01"))


def _read_days(value, column: Column) -> int:
    if value.__class__ is int:
        days = value
    else:
        text = as_text(value)
        if not text.isdecimal():
            raise CellError(f"“{text}”不是天数，请填写整数，如90。")
        days = int(text)
    if days < 0:
        raise CellError("天数不能为负数。")
    return days


_READERS = {
    "text": _read_text,
    "choice": _read_choice,
    "uscc": lambda value, column: read_uscc(value),
    "id_number": lambda value, column: read_identity(value),
    "decimal": _read_value,
    "integer": _read_days,
}


def _full_width_brackets(text: str) -> str:
    return text.replace("(", "（").replace(")", "）")


def _header_text(value) -> str:
    # 公示期(天) typed with ASCII brackets is the same header.
    return _full_width_brackets(normalise_header(value))


def _same_name(typed: str, registered: str) -> bool:
    """Names match whatever the spaces and the width of the brackets: 舟曲县某某(个体)."""
    return _full_width_brackets(re.sub(r"\s+", "", typed)) == _full_width_brackets(
        re.sub(r"\s+", "", registered)
    )


# --- Checking every row ----------------------------------------------------------------------


class _Check:
    """Every row read and checked against the registers and the credit file; no writes.

    Each record is a dict of cleaned values keyed by column key, plus "row" (the Excel row),
    "subject" ((type, id) once resolved), "source_ref" (the effective one), "until" (the
    disclosure end) and "exists" (the record is already in the credit file).
    """

    def __init__(self, *, epoch, today: date, import_id: str):
        self.epoch = epoch
        self.today = today
        self.import_id = import_id
        self.records: list[dict] = []
        self.errors: list[RowError] = []
        self.error_count = 0
        self._keys: dict[tuple, int] = {}

    def add_error(self, row: int, key: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, HEADERS[key], message))

    def header(self, rows) -> list[tuple[int, str]]:
        """The (column index, key) of each known header; the header row may sit below a
        title row or two. Raises FileRefused."""
        known = {_header_text(column.header): column for column in COLUMNS}
        for attempt, (row_no, cells) in enumerate(rows, start=1):
            found = {index: known.get(_header_text(value)) for index, value in cells.items()}
            if not any(found.values()):
                if attempt >= HEADER_SEARCH_ROWS:
                    break
                continue
            mapping, seen = [], set()
            for index, column in sorted(found.items()):
                if column is None:
                    continue
                if column.key in seen:
                    raise FileRefused(f"第{row_no}行表头中“{column.header}”列出现了不止一次。")
                seen.add(column.key)
                mapping.append((index, column.key))
            missing = [c.header for c in COLUMNS if c.required and c.key not in seen]
            if missing:
                raise FileRefused(
                    f"表头缺少必填列：{'、'.join(missing)}。请使用下载的信用记录导入模板，"
                    "不要改动表头。"
                )
            return mapping
        raise FileRefused(
            "没有找到表头：第一行应为列名，如“主体类型、统一社会信用代码、身份证号”等。"
            "请使用下载的信用记录导入模板。"
        )

    def clean(self, row: int, raw: dict[str, object]) -> None:
        """One row on its own: each cell, then the rules across its cells. A row whose
        subject cells are readable is kept for `resolve` even if other cells are wrong, so
        that an unregistered subject is reported in the same pass."""
        record: dict = {"row": row}
        bad: set[str] = set()
        for column in COLUMNS:
            value = raw.get(column.key)
            record[column.key] = None
            if value is None or (value.__class__ is str and not value.strip()):
                if column.required:
                    self.add_error(row, column.key, "必填，不能为空。")
                    bad.add(column.key)
                continue
            if value.__class__ is str and value in EXCEL_ERRORS:
                self.add_error(row, column.key, f"单元格是Excel错误值（{value}），请修正。")
                bad.add(column.key)
                continue
            try:
                if column.type == "date":
                    record[column.key] = read_date(value, self.epoch)
                else:
                    record[column.key] = _READERS[column.type](value, column)
            except CellError as error:
                self.add_error(row, column.key, str(error))
                bad.add(column.key)
        for key, message in self._rules(record, bad):
            self.add_error(row, key, message)
            bad.add(key)
        record["valid"] = not bad
        if bad & {"subject_type", "uscc", "id_number", "subject_name"}:
            return
        if record["subject_type"] == ENTERPRISE:
            record["subject_key"] = (ENTERPRISE, record["uscc"])
        else:
            record["hash"] = personal_data.lookup_hash(record["id_number"].number)
            record["subject_key"] = (WORKER, record["hash"])
        if record["valid"]:
            record["source_ref"] = record["source_ref"] or f"import:{self.import_id}:{row}"
            key = (record["source_ref"], record["kind"], record["subject_key"])
            first = self._keys.setdefault(key, row)
            if first != row:
                self.add_error(
                    row,
                    "source_ref",
                    f"与第{first}行的来源编号、记录类型和主体都相同，是同一条记录。",
                )
                record["valid"] = False
        self.records.append(record)

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
                self.add_error(record["row"], key, unknown)
            elif not _same_name(record["subject_name"], found[1]):
                self.add_error(
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
                self.add_error(
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
    uploaded_file.seek(0)
    data = uploaded_file.read(settings.LEDGER_IMPORT_MAX_BYTES + 1)
    open_archive(data)  # raises ValidationError: too large, not an xlsx, zip bomb, DTD
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
        mapping = check.header(rows)
        for row_no, cells in rows:
            raw = {key: cells.get(index) for index, key in mapping}
            if all(value is None or not as_text(value) for value in raw.values()):
                continue
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


# --- Template --------------------------------------------------------------------------------


def credit_import_filename() -> str:
    return f"信用记录导入模板_{timezone.localdate():%Y%m%d}.xlsx"


def credit_import_template() -> bytes:
    """The import template: Chinese headers (required ones in red), text format for
    identifiers, drop-down lists for the choices, and a 填写说明 sheet."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = ExportWorkbook()
    sheet = book.active
    sheet.title = "信用记录"
    sheet.append([column.header for column in COLUMNS])
    sheet.freeze_panes = "A2"
    last_row = settings.LEDGER_IMPORT_SYNC_ROWS + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="FFF2CC" if column.required else "DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 6)
        if column.type in ("uscc", "id_number", "text"):
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(label for _, label in column.choices) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                error="请从下拉列表中选择",
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)

    guide = book.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写要求"])
    for column in COLUMNS:
        options = "、".join(label for _, label in column.choices)
        note = "；".join(part for part in (column.help, options and f"可选：{options}") if part)
        guide.append([column.header, "必填" if column.required else "选填", note])
    guide.append([])
    tiers = "；".join(
        f"{Severity(severity).label}{low}–{high}天"
        for severity, (low, high) in DISCLOSURE_DAYS.items()
    )
    for line in (
        "1. 第一行为表头，请勿修改或删除；数据从第二行开始，每行一条信用记录。",
        "2. 企业按统一社会信用代码、从业人员按身份证号在档案中查找，主体名称须与档案一致；"
        "尚未登记的主体请先在档案中登记或导入台账。",
        "3. 日期可填写为Excel日期，或如2025-01-31、2025/1/31的文字。",
        "4. 统一社会信用代码、身份证号请设为“文本”格式，避免Excel把长数字改写。",
        f"5. 公示期按严重程度分档：{tiers}；留空按该档最长期限。",
        f"6. 单个文件不超过{settings.LEDGER_IMPORT_SYNC_ROWS}行；更多记录请拆分为多个文件。",
        "7. 上传后系统先逐行校验并预览；只要有一行有误，整个文件都不会导入。",
        "8. 来源编号相同（且记录类型、主体相同）的记录只记录一次，重复导入不会重复记录；"
        "已撤销的记录也不会因重新导入而恢复。",
        "9. 已录入的信用记录不能修改：如有错误，请在系统中撤销后重新录入。",
    ):
        guide.append([line])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    output = BytesIO()
    book.save(output)
    return output.getvalue()
