"""Ledger (台账) import and export: guard the file, read it, validate every row, preview,
then write all or nothing, with progress that other sessions can watch.

Flow: `ledger_import_create` (guard the upload, store it encrypted) →
`ledger_import_validate` (dry run: row errors or a preview) → `ledger_import_confirm` →
`ledger_import_run` (validates again against the registers as they are now, then writes
everything in one transaction and recomputes the derived dossier columns). Uploads and
imports above LEDGER_IMPORT_SYNC_ROWS rows are validated and run by Celery tasks on the
bulk queue; the LedgerImport row carries status, progress, counts, errors and preview.

Choices, measured with tests/bench/bench_ledger_import.py (100,000 worker rows, a third with
an employer: 3,300–3,900 rows/s end to end on a shared 2-core machine, 2.3–2.6× the time of
building the same Worker objects with their protected fields and bulk_create-ing them, about
3.3× the bulk_create alone):

- Reading. openpyxl's read-only reader spends ~10 µs per cell building cell objects (9.6 s
  for 100,000 rows × 10 columns written by openpyxl, 6 s with shared strings as Excel and
  WPS save them), about as long as the whole write. The sheet is therefore read with
  python-calamine (Rust), which reads either file in about 1.5 s and turns date-formatted
  cells into dates; date columns also accept Excel serial numbers and strings such as
  2025/1/31. Before calamine sees the file, `open_archive` bounds its size, expansion,
  compression ratio and number of parts and refuses DTDs. openpyxl, through
  import-export's XLSX format, still writes the templates and exports.
- Validation. Every row is checked before anything is written (import-export's bulk mode
  does not tie errors to rows); references are resolved in chunks of LOOKUP_CHUNK keys
  (townships once, enterprises by USCC, workers by ID hash), never one query per row.
  The largest single cost is core.validators.clean_id_number (~60 µs per number).
- Writing. import-export's per-row machinery (a RowResult, a widget call per field, an
  OrderedDict per row) costs more than the ratio target allows, so the service prepares
  the model instances itself and hands them in batches of 1,000 to the resource's bulk
  path (`LedgerResource.bulk_create` / `bulk_update`, configured with use_bulk,
  batch_size, skip_diff and force_init_instance in `registry.resources`).
- Dossier columns. After the write, the set-based refresh (workers_refresh /
  enterprises_refresh on tight id ranges) recomputes every touched subject in the same
  transaction. New workers are inserted with the values it will find (see
  `_new_worker_dossier`), so it rewrites no row in the common case instead of all of them.
- History. Updated records get one simple-history row each (`bulk_update_with_history`,
  with the user and "台账导入#id" as reason). Created records get none: writing a history
  row per new record doubled the write time (bulk_create_with_history: 20.7 s against
  11 s for 100,000 workers). They are traced to the LedgerImport row instead: who
  uploaded it, when, the counts, and the workbook itself, kept encrypted.
- Progress. Inside the write transaction the importing connection's updates are invisible
  to others, so on PostgreSQL progress is written through a second autocommit
  connection, with SKIP LOCKED so the two never wait on each other.
- Personal data. The stored workbook holds plain ID numbers, so it is stored encrypted
  (Fernet, core.personal_data) under a random name; previews and messages show ID
  numbers and workers' phones masked.
"""

import base64
import logging
import posixpath
import re
import time
import uuid
import zipfile
from abc import ABC, abstractmethod
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum
from simple_history.utils import bulk_update_with_history

from core import personal_data
from core.spreadsheets import xlsx_from_dataset
from core.transitions import StatusMachine
from core.validators import (
    IdentityNumber,
    clean_id_number,
    clean_mobile,
    clean_phone,
    clean_uscc,
)

from ..completeness import WORKER_ITEMS, Scope
from ..models import (
    BackgroundCheck,
    Employment,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    LedgerImport,
    SkillCertificate,
    Township,
    TrainingRecord,
    Validity,
    Worker,
    validity_for,
)
from ..resources import BATCH_SIZE, LEDGER_COLUMNS, RESOURCES, Column
from .refresh import CHUNK_SIZE, enterprises_refresh, workers_refresh
from .subjects import worker_identity_apply

logger = logging.getLogger(__name__)

Status = LedgerImport.Status
Kind = LedgerImport.Kind

# An xlsx is a zip: bound what it may expand to before reading a byte of it.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # a 200,000-row sheet expands to ~120 MB
MAX_COMPRESSION_RATIO = 100  # sheets compress 10-20×; zip bombs 1,000× and more
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_ARCHIVE_MEMBERS = 500
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is tolerated
LOOKUP_CHUNK = 2000
PREVIEW_ROWS = 20
MAX_STORED_ERRORS = 500
PROGRESS_INTERVAL_SECONDS = 0.5


class LedgerImportStateError(Exception):
    """An action that the import's current status does not allow (e.g. confirming twice)."""


# --- Errors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None  # the Excel row number; None for a problem with the whole file
    column: str  # the Chinese header
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return f"第{self.row}行「{self.column}」：{self.message}"


def error_text(error: dict) -> str:
    """One stored error (LedgerImport.errors item) as a sentence."""
    return str(RowError(error.get("row"), error.get("column", ""), error["message"]))


EXCEL_ERRORS = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)


class FileRefused(Exception):
    """The workbook cannot be read at all; the message says why, in Chinese."""


# --- Guarding and reading the workbook ----------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip archive, once size, type and expansion are known to be sane."""
    limit = settings.LEDGER_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            f"文件大小为{_megabytes(len(data))}，超过上限{_megabytes(limit)}，请拆分后分批导入。",
            code="too_large",
        )
    not_xlsx = ValidationError(
        "文件不是Excel工作簿（.xlsx）。请在Excel或WPS中“另存为”Excel工作簿（*.xlsx）后再上传；"
        "若文件设置了打开密码，请先取消密码。",
        code="not_xlsx",
    )
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise not_xlsx
    bomb = "文件解压后的内容异常（{}），疑似“压缩炸弹”，已拒绝。请用Excel或WPS重新保存后上传。"
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ValidationError(bomb.format(f"包含{len(members)}个部件"), code="zip_bomb")
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(bomb.format(f"解压后达{_megabytes(expanded)}"), code="zip_bomb")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise ValidationError(bomb.format(f"压缩比达{ratio:.0f}倍"), code="zip_bomb")
        if member.flag_bits & 0x1:
            raise not_xlsx
        if member.filename.endswith((".xml", ".rels")):
            # No workbook Excel or WPS saves declares a DTD; entity tricks need one.
            with archive.open(member) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ValidationError(
                    "文件包含不允许的DTD声明，已拒绝。请用Excel或WPS重新保存后上传。", code="dtd"
                )
    return archive


class Workbook:
    """The first visible worksheet of an xlsx, read with python-calamine.

    calamine (Rust) reads a 100,000-row sheet in about a second and a half, several times
    faster than openpyxl's read-only mode, and converts date-formatted cells to dates itself.
    Values are str, int, float, bool, date or datetime; empty cells are skipped."""

    # Serial numbers in cells without a date format are read as 1900-system dates.
    epoch = CALENDAR_WINDOWS_1900

    def __init__(self, data: bytes):
        try:
            workbook = CalamineWorkbook.from_filelike(BytesIO(data))
            visible = [
                sheet.name
                for sheet in workbook.sheets_metadata
                if sheet.visible == SheetVisibleEnum.Visible
                and sheet.typ == SheetTypeEnum.WorkSheet
            ]
            if not visible:
                raise FileRefused("工作簿中没有可读取的工作表。")
            self.sheet = workbook.get_sheet_by_name(visible[0])
        except CalamineError:
            raise FileRefused("文件内容已损坏，无法读取。请用Excel或WPS重新保存后上传。") from None

    def estimate_rows(self) -> int:
        """Rows of the sheet's data area, header included."""
        return self.sheet.height

    def rows(self):
        """Yield (Excel row number, {0-based column: value}) for rows that hold a value."""
        first_column = self.sheet.start[1] if self.sheet.start else 0
        for index, row in enumerate(self.sheet.iter_rows()):
            cells = {
                first_column + column: _whole(value)
                for column, value in enumerate(row)
                if value is not None and value != ""
            }
            if cells:
                yield index + 1, cells


def _whole(value):
    """Excel stores every number as a float: 20250131.0 is the integer someone typed."""
    if value.__class__ is float and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _seal(data: bytes) -> bytes:
    """The upload as stored: it holds plain ID numbers, so it is encrypted at rest."""
    return personal_data.encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def _unseal(ledger_import: LedgerImport) -> bytes:
    with ledger_import.file.open("rb") as stored:
        token = stored.read().decode("ascii")
    return base64.b64decode(personal_data.decrypt(token))


# --- Reading one cell ----------------------------------------------------------------------


class CellError(Exception):
    """One cell cannot be read; the message says why, in Chinese."""


_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?.*)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_HINT = "请填写日期，如2025-01-31或2025/1/31。"


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _make_date(year: int, month: int, day: int) -> date:
    try:
        result = date(year, month, day)
    except ValueError:
        raise CellError(f"日期{year}年{month}月{day}日不存在，请核对。") from None
    if not 1900 <= result.year <= 2100:
        raise CellError(f"日期{result:%Y-%m-%d}超出合理范围，请核对。")
    return result


def read_date(value, epoch) -> date:
    if isinstance(value, date):  # datetime included
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise CellError(_DATE_HINT)
    if isinstance(value, int | float):
        if isinstance(value, int) and 19000101 <= value <= 21001231:
            return _make_date(value // 10000, value // 100 % 100, value % 100)
        if 1 <= value < 2958466:  # Excel serial numbers up to 9999-12-31
            moment = from_excel(value, epoch)
            return _make_date(moment.year, moment.month, moment.day)
        raise CellError(_DATE_HINT)
    text = as_text(value)
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise CellError(f"“{text}”不是有效日期，{_DATE_HINT}")
    return _make_date(*(int(part) for part in match.groups()))


def _first_message(error: ValidationError) -> str:
    return error.messages[0] if error.messages else "格式不正确。"


def read_identity(value) -> IdentityNumber:
    if isinstance(value, int | float):
        raise CellError(
            "身份证号被Excel存成了数字，后几位已丢失。请将该列设为“文本”格式后重新填写。"
        )
    text = as_text(value)
    if "*" in text:
        raise CellError(
            "身份证号已脱敏（含*号）：导出的台账不能直接用于导入，请填写完整的身份证号。"
        )
    try:
        return clean_id_number(text)
    except ValidationError as error:
        raise CellError(_first_message(error)) from None


def read_uscc(value) -> str:
    if isinstance(value, float):
        raise CellError(
            "统一社会信用代码被Excel存成了数字，部分位数已丢失。请将该列设为“文本”格式后重新填写。"
        )
    try:
        return clean_uscc(as_text(value))
    except ValidationError as error:
        raise CellError(_first_message(error)) from None


def _read_with(cleaner):
    def read(value, column, context):
        try:
            return cleaner(as_text(value))
        except ValidationError as error:
            raise CellError(_first_message(error)) from None

    return read


def _read_text(value, column: Column, context) -> str:
    text = as_text(value)
    if column.max_length and len(text) > column.max_length:
        raise CellError(f"不能超过{column.max_length}个字，当前为{len(text)}个字。")
    return text


def _read_choice(value, column: Column, context) -> str:
    text = as_text(value)
    lookup = context.choice_lookup(column)
    if text in lookup:
        return lookup[text]
    options = "、".join(label for _, label in column.choices)
    raise CellError(f"“{text}”不是可选的值，请填写：{options}。")


def _read_decimal(value, column: Column, context) -> Decimal:
    try:
        number = Decimal(as_text(value))
    except InvalidOperation:
        raise CellError("请填写数字，如40或12.5。") from None
    if not number.is_finite() or number <= 0:
        raise CellError("必须是大于0的数字。")
    if number != number.quantize(Decimal("0.1")) or number >= 100_000:
        raise CellError("最多保留一位小数，且小于100000。")
    return number.quantize(Decimal("0.1"))


def _read_email(value, column: Column, context) -> str:
    text = as_text(value)
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(f"“{text}”不是有效的电子邮箱地址。") from None
    return text


def _read_township(value, column: Column, context) -> int:
    text = as_text(value)
    for name in (text, text + "镇", text + "乡"):
        if name in context.townships:
            return context.townships[name]
    raise CellError(f"“{text}”不是舟曲县的乡镇，请填写乡镇全称，如城关镇。")


_READERS = {
    "text": _read_text,
    "date": lambda value, column, context: read_date(value, context.epoch),
    "choice": _read_choice,
    "decimal": _read_decimal,
    "email": _read_email,
    "uscc": lambda value, column, context: read_uscc(value),
    "phone": _read_with(clean_phone),
    "mobile": _read_with(clean_mobile),
    "id_number": lambda value, column, context: read_identity(value),
    "township": _read_township,
}


# Readers that depend on the cell value alone: each distinct value is read once per import
# (an employer's USCC or an entry date repeats on thousands of rows).
_REPEATING_TYPES = {"uscc", "date", "choice", "township"}


def _read_once(read):
    outcomes: dict[tuple, tuple] = {}

    def cached(value, column, context):
        key = (value.__class__, value)
        outcome = outcomes.get(key)
        if outcome is None:
            try:
                outcome = outcomes[key] = (read(value, column, context), None)
            except CellError as error:
                outcome = outcomes[key] = (None, str(error))
        if outcome[1] is not None:
            raise CellError(outcome[1])
        return outcome[0]

    return cached


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_header(value) -> str:
    text = re.sub(r"\s+", "", as_text(value))
    return re.sub(r"(\*|＊|[（(]必填[)）])+$", "", text).lstrip("*＊")


# --- One kind of ledger ------------------------------------------------------------------


@dataclass
class _Outcome:
    created: int = 0
    updated: int = 0
    worker_ids: set[int] = field(default_factory=set)
    enterprise_ids: set[int] = field(default_factory=set)


class _Ledger(ABC):
    """Validation and writing of one kind of ledger.

    `clean` reads one row without touching the database; `resolve` then looks up every
    reference and every existing record in chunks; `write` creates and updates in batches.
    Each record is a dict of cleaned values keyed by column key, plus "row" (the Excel row)
    and "pk" (the existing record it updates, or None).
    """

    kind: str
    model: type
    duplicate_message = "与第{row}行重复。"
    # Optional columns whose blank cell keeps the stored value on update (any other blank
    # cell, such as 有效期止 meaning 长期有效, is written as blank).
    keep_when_blank: frozenset[str] = frozenset()

    def __init__(self, *, epoch, today: date):
        self.columns = LEDGER_COLUMNS[self.kind]
        self.resource_class = RESOURCES[self.kind]
        self.epoch = epoch
        self.today = today
        self.records: list[dict] = []
        self.errors: list[RowError] = []
        self.error_count = 0
        self._seen_keys: dict[tuple, int] = {}
        self._choice_lookups: dict[str, dict[str, str]] = {}
        self._readers = [
            (
                column,
                _read_once(_READERS[column.type])
                if column.type in _REPEATING_TYPES
                else _READERS[column.type],
            )
            for column in self.columns
        ]
        self.townships = dict(Township.objects.values_list("name", "pk"))
        self.township_names = {pk: name for name, pk in self.townships.items()}

    # Reading -----------------------------------------------------------------------------

    def header(self, key: str) -> str:
        return next(column.header for column in self.columns if column.key == key)

    def choice_lookup(self, column: Column) -> dict[str, str]:
        lookup = self._choice_lookups.get(column.key)
        if lookup is None:
            lookup = {value: value for value, _ in column.choices}
            lookup.update({label: value for value, label in column.choices})
            self._choice_lookups[column.key] = lookup
        return lookup

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, column, message))

    def clean(self, row: int, raw: dict[str, object]) -> None:
        record: dict = {"row": row, "pk": None}
        valid = True
        for column, read in self._readers:
            value = raw.get(column.key)
            if value is None or (value.__class__ is str and not value.strip()):
                if column.required:
                    self.add_error(row, column.header, "必填，不能为空。")
                    valid = False
                record[column.key] = None
            elif value.__class__ is str and value in EXCEL_ERRORS:
                self.add_error(row, column.header, f"单元格是Excel错误值（{value}），请修正。")
                valid = False
            else:
                try:
                    record[column.key] = read(value, column, self)
                except CellError as error:
                    self.add_error(row, column.header, str(error))
                    valid = False
        if valid and self.check(record):
            key = self.key(record)
            first = self._seen_keys.setdefault(key, row)
            if first != row:
                self.add_error(row, self.key_header(), self.duplicate_message.format(row=first))
            else:
                self.records.append(record)

    def check(self, record: dict) -> bool:
        """Rules across the cells of one row; report errors and return False if any."""
        return True

    @abstractmethod
    def key(self, record: dict) -> tuple:
        """What identifies a record within the file (duplicates are errors)."""

    @abstractmethod
    def key_header(self) -> str:
        """The header named in a duplicate-row error."""

    def resolve(self) -> None:  # noqa: B027 - a hook: most ledgers resolve something
        """Look up references and existing records; report rows that refer to nothing."""

    def drop_invalid(self, rows: set[int]) -> None:
        if rows:
            self.records = [record for record in self.records if record["row"] not in rows]

    # Preview -------------------------------------------------------------------------------

    def display(self, column: Column, value) -> str:
        if value is None:
            return ""
        if column.type == "id_number":
            return value.masked
        if column.type == "township":
            return self.township_names.get(value, "")
        if column.type == "choice":
            return dict(column.choices).get(value, value)
        if column.type == "mobile":
            return personal_data.phone_mask(value)
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def preview(self) -> list[dict]:
        return [
            {
                "row": record["row"],
                "action": "更新" if record["pk"] else "新增",
                "values": [self.display(column, record[column.key]) for column in self.columns],
            }
            for record in self.records[:PREVIEW_ROWS]
        ]

    # Writing --------------------------------------------------------------------------------

    @abstractmethod
    def build(self, record: dict):
        """A new model instance for a record."""

    def apply(self, instance, record: dict) -> None:
        """Copy a record onto an existing instance (blank cells may keep stored values)."""
        for name in self.resource_class.update_fields:
            if name not in record:  # a derived field (updated_at, validity) set elsewhere
                continue
            value = record[name]
            if value is None and name in self.keep_when_blank:
                continue
            setattr(instance, f"{name}_id" if name == "township" else name, value)

    def after_batch(  # noqa: B027 - a hook, empty for the document ledgers
        self, created: list[dict], updated: list[dict], outcome: _Outcome
    ) -> None:
        """Work that follows a batch: employment, the subjects whose dossier changes."""

    def write(self, *, actor, reason: str, progress) -> _Outcome:
        resource = self.resource_class(actor=actor, change_reason=reason)
        outcome = _Outcome()
        now = timezone.now()
        for start in range(0, len(self.records), BATCH_SIZE):
            batch = self.records[start : start + BATCH_SIZE]
            new = [record for record in batch if record["pk"] is None]
            old = [record for record in batch if record["pk"] is not None]
            instances = [self.build(record) for record in new]
            resource.create_instances.extend(instances)
            resource.bulk_create(True, False, True, batch_size=BATCH_SIZE)
            for record, instance in zip(new, instances, strict=True):
                record["pk"] = instance.pk
            if old:
                stored = self.model.objects.in_bulk([record["pk"] for record in old])
                if len(stored) != len(old):
                    raise _RegistersChanged
                for record in old:
                    instance = stored[record["pk"]]
                    self.apply(instance, record)
                    if hasattr(instance, "updated_at"):
                        instance.updated_at = now
                    resource.update_instances.append(instance)
                resource.bulk_update(True, False, True, batch_size=BATCH_SIZE)
            outcome.created += len(new)
            outcome.updated += len(old)
            self.after_batch(new, old, outcome)
            progress.report(start + len(batch), WRITING_PHASE)
        return outcome


# Rows written inside the transaction count for nothing until it commits: the phase says so,
# so that a page showing "1,000 of 5,000" never reads as 1,000 rows already stored.
WRITING_PHASE = "正在写入（全部写完才生效，中途出错将全部撤回）"
ROLLED_BACK = "导入已回滚，未写入任何数据"


class _RegistersChanged(Exception):
    """A record validated a moment ago has gone or appeared: nothing is written."""


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _enterprise_ids_by_uscc(usccs) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(usccs))):
        found.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
    return found


def _workers_by_hash(hashes) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(sorted(set(hashes))):
        rows = Worker.objects.filter(id_number_hash__in=chunk).values_list(
            "id_number_hash", "pk", "name"
        )
        found.update({digest: (pk, name) for digest, pk, name in rows})
    return found


class _EnterpriseLedger(_Ledger):
    kind = Kind.ENTERPRISES
    model = Enterprise
    duplicate_message = "与第{row}行的统一社会信用代码重复。"
    keep_when_blank = frozenset(
        {
            "kind",
            "registered_address",
            "business_address",
            "contact_person",
            "email",
            "established_on",
            "business_status",
            "business_scope",
        }
    )

    def key(self, record):
        return (record["uscc"],)

    def key_header(self):
        return self.header("uscc")

    def resolve(self):
        existing = _enterprise_ids_by_uscc(record["uscc"] for record in self.records)
        for record in self.records:
            record["pk"] = existing.get(record["uscc"])

    def build(self, record):
        return Enterprise(
            name=record["name"],
            uscc=record["uscc"],
            kind=record["kind"] or Enterprise.Kind.COMPANY,
            legal_representative=record["legal_representative"],
            registered_address=record["registered_address"] or "",
            business_address=record["business_address"] or "",
            township_id=record["township"],
            phone=record["phone"],
            contact_person=record["contact_person"] or "",
            email=record["email"] or "",
            established_on=record["established_on"],
            business_status=record["business_status"] or Enterprise.BusinessStatus.OPERATING,
            business_scope=record["business_scope"] or "",
        )

    def after_batch(self, created, updated, outcome):
        outcome.enterprise_ids.update(record["pk"] for record in created + updated)


def _new_worker_dossier(worker: Worker, *, employed: bool) -> None:
    """Pre-fill the derived columns of a brand-new worker with what the refresh will find.

    A worker created by the import has no documents yet and has never been confirmed, so
    only the row's own columns and the employment it gets decide its dossier items. The
    refresh that follows the import stays the source of truth and rewrites only the rows
    whose values differ: a right guess saves rewriting every new row a second time (about
    a third of the import's time at 100,000 rows); a wrong one costs time, never accuracy.
    """
    present = {
        "photo": bool(worker.photo),
        "phone": bool(worker.phone_hash),
        "employment": employed,
    }
    worker.missing_mask = sum(item.bit for item in WORKER_ITEMS if not present.get(item.key))
    worker.completeness = sum(map(bool, present.values())) * 100 // len(WORKER_ITEMS)
    worker.document_status = Validity.MISSING


class _WorkerLedger(_Ledger):
    kind = Kind.WORKERS
    model = Worker
    duplicate_message = "与第{row}行的身份证号重复。"
    keep_when_blank = frozenset({"ethnicity", "phone", "township", "address", "education"})

    def check(self, record):
        valid = True
        if record["employer_uscc"] is None:
            for key in ("position", "started_on"):
                if record[key] is not None:
                    self.add_error(
                        record["row"],
                        self.header(key),
                        "填写岗位或入职日期时，须同时填写现工作单位统一社会信用代码。",
                    )
                    valid = False
        elif record["started_on"] and record["started_on"] > self.today:
            self.add_error(record["row"], self.header("started_on"), "入职日期不能晚于今天。")
            valid = False
        record["hash"] = personal_data.lookup_hash(record["id_number"].number)
        return valid

    def key(self, record):
        return (record["hash"],)

    def key_header(self):
        return self.header("id_number")

    def resolve(self):
        workers = _workers_by_hash(record["hash"] for record in self.records)
        employers = _enterprise_ids_by_uscc(
            record["employer_uscc"] for record in self.records if record["employer_uscc"]
        )
        invalid = set()
        for record in self.records:
            found = workers.get(record["hash"])
            record["pk"] = found[0] if found else None
            record["employer"] = None
            if record["employer_uscc"]:
                record["employer"] = employers.get(record["employer_uscc"])
                if record["employer"] is None:
                    self.add_error(
                        record["row"],
                        self.header("employer_uscc"),
                        f"统一社会信用代码为{record['employer_uscc']}的企业尚未登记，"
                        "请先导入企业台账或在系统中登记该企业。",
                    )
                    invalid.add(record["row"])
        self.drop_invalid(invalid)
        # Open employments of the workers already registered: only what is missing is added.
        self.open_jobs: dict[tuple[int, int], tuple[int, str]] = {}
        known = sorted({record["pk"] for record in self.records if record["pk"]})
        for chunk in _chunks(known):
            jobs = Employment.objects.filter(worker_id__in=chunk, ended_on__isnull=True)
            for pk, worker_id, enterprise_id, position in jobs.values_list(
                "pk", "worker_id", "enterprise_id", "position"
            ):
                self.open_jobs[(worker_id, enterprise_id)] = (pk, position)

    def build(self, record):
        worker = Worker(
            name=record["name"],
            ethnicity=record["ethnicity"] or "汉族",
            township_id=record["township"],
            address=record["address"] or "",
            education=record["education"] or "",
        )
        personal_data.phone_apply(worker, "phone", record["phone"] or "")
        _new_worker_dossier(worker, employed=record["employer"] is not None)
        return worker_identity_apply(worker, record["id_number"])

    def apply(self, instance, record):
        super().apply(instance, record)
        # The mobile number is stored protected; a blank cell keeps the stored one.
        if record["phone"] is not None:
            personal_data.phone_apply(instance, "phone", record["phone"])

    def write(self, *, actor, reason, progress):
        self.actor, self.reason = actor, reason
        return super().write(actor=actor, reason=reason, progress=progress)

    def after_batch(self, created, updated, outcome):
        new_jobs, moved = [], {}
        for record in created + updated:
            outcome.worker_ids.add(record["pk"])
            employer = record["employer"]
            if employer is None:
                continue
            outcome.enterprise_ids.add(employer)
            job = self.open_jobs.get((record["pk"], employer))
            if job is None:
                new_jobs.append(
                    Employment(
                        worker_id=record["pk"],
                        enterprise_id=employer,
                        position=record["position"] or "",
                        started_on=record["started_on"] or self.today,
                    )
                )
            elif record["position"] and record["position"] != job[1]:
                moved[job[0]] = record["position"]
        Employment.objects.bulk_create(new_jobs, batch_size=BATCH_SIZE)
        if moved:
            jobs = list(Employment.objects.filter(pk__in=list(moved)))
            for job in jobs:
                job.position = moved[job.pk]
            bulk_update_with_history(
                jobs,
                Employment,
                ["position"],
                batch_size=BATCH_SIZE,
                default_user=self.actor,
                default_change_reason=self.reason,
            )


class _DocumentRules:
    """Validity periods: 有效期止 after 有效期起; the stored validity follows 有效期止."""

    def check(self, record):
        valid = super().check(record)
        if record["valid_to"] is not None and record["valid_to"] <= record["valid_from"]:
            self.add_error(record["row"], self.header("valid_to"), "有效期止必须晚于有效期起。")
            return False
        return valid

    def apply(self, instance, record):
        previous = instance.valid_to
        super().apply(instance, record)
        if instance.valid_to != previous:
            # A renewed document is announced again before its new expiry date.
            instance.expiry_notified_at = None
        instance.validity = validity_for(instance.valid_to, self.today)


class _QualificationLedger(_DocumentRules, _Ledger):
    kind = Kind.QUALIFICATIONS
    model = EnterpriseQualification
    duplicate_message = "与第{row}行重复（同一企业、同一证照类型、同一有效期起）。"
    keep_when_blank = frozenset({"name", "number", "issuer"})

    def key(self, record):
        return (record["enterprise_uscc"], record["kind"], record["valid_from"])

    def key_header(self):
        return self.header("valid_from")

    def resolve(self):
        enterprises = _enterprise_ids_by_uscc(record["enterprise_uscc"] for record in self.records)
        invalid = set()
        for record in self.records:
            record["enterprise"] = enterprises.get(record["enterprise_uscc"])
            if record["enterprise"] is None:
                self.add_error(
                    record["row"],
                    self.header("enterprise_uscc"),
                    f"统一社会信用代码为{record['enterprise_uscc']}的企业尚未登记，请先导入企业台账。",
                )
                invalid.add(record["row"])
        self.drop_invalid(invalid)
        existing = {}
        for chunk in _chunks(sorted({record["enterprise"] for record in self.records})):
            rows = EnterpriseQualification.objects.filter(enterprise_id__in=chunk).order_by("pk")
            for enterprise_id, kind, valid_from, pk in rows.values_list(
                "enterprise_id", "kind", "valid_from", "pk"
            ):
                existing[(enterprise_id, kind, valid_from)] = pk
        for record in self.records:
            record["pk"] = existing.get(
                (record["enterprise"], record["kind"], record["valid_from"])
            )

    def build(self, record):
        return EnterpriseQualification(
            enterprise_id=record["enterprise"],
            kind=record["kind"],
            name=record["name"] or "",
            number=record["number"] or "",
            issuer=record["issuer"] or "",
            valid_from=record["valid_from"],
            valid_to=record["valid_to"],
            validity=validity_for(record["valid_to"], self.today),
        )

    def after_batch(self, created, updated, outcome):
        outcome.enterprise_ids.update(record["enterprise"] for record in created + updated)


class _WorkerRecordLedger(_Ledger):
    """Records that belong to a worker, who is named by ID number (and optionally name)."""

    natural: tuple[str, ...] = ()  # the fields that, with the worker, identify a record

    def check(self, record):
        record["hash"] = personal_data.lookup_hash(record["worker_id_number"].number)
        return True

    def key(self, record):
        return (record["hash"], *(record[name] for name in self.natural))

    def key_header(self):
        return self.header(self.natural[-1])

    def resolve(self):
        workers = _workers_by_hash(record["hash"] for record in self.records)
        invalid = set()
        for record in self.records:
            found = workers.get(record["hash"])
            record["worker"] = found[0] if found else None
            if found is None:
                self.add_error(
                    record["row"],
                    self.header("worker_id_number"),
                    f"身份证号为{record['worker_id_number'].masked}的从业人员尚未登记，"
                    "请先导入从业人员台账。",
                )
                invalid.add(record["row"])
            elif record["worker_name"] and record["worker_name"] != found[1]:
                self.add_error(
                    record["row"],
                    self.header("worker_name"),
                    f"与身份证号对应的从业人员姓名“{found[1]}”不一致，请核对。",
                )
                invalid.add(record["row"])
        self.drop_invalid(invalid)
        existing = {}
        for chunk in _chunks(sorted({record["worker"] for record in self.records})):
            rows = self.model.objects.filter(worker_id__in=chunk).order_by("pk")
            for values in rows.values_list("worker_id", *self.natural, "pk"):
                existing[values[:-1]] = values[-1]
        for record in self.records:
            key = (record["worker"], *(record[name] for name in self.natural))
            record["pk"] = existing.get(key)

    def build(self, record):
        values = {
            column.key: record[column.key]
            for column in self.columns
            if column.key not in ("worker_id_number", "worker_name")
        }
        for column in self.columns:
            if column.type == "text" and values.get(column.key) is None and column.key in values:
                values[column.key] = ""
        return self.model(worker_id=record["worker"], **values)

    def after_batch(self, created, updated, outcome):
        outcome.worker_ids.update(record["worker"] for record in created + updated)


class _HealthLedger(_DocumentRules, _WorkerRecordLedger):
    kind = Kind.HEALTH_CERTIFICATES
    model = HealthCertificate
    natural = ("valid_from",)
    duplicate_message = "与第{row}行重复（同一人、同一有效期起的健康证）。"
    keep_when_blank = frozenset({"number", "issuer"})

    def build(self, record):
        certificate = super().build(record)
        certificate.validity = validity_for(certificate.valid_to, self.today)
        return certificate


class _TrainingLedger(_WorkerRecordLedger):
    kind = Kind.TRAININGS
    model = TrainingRecord
    natural = ("course", "completed_on")
    duplicate_message = "与第{row}行重复（同一人、同一课程、同一结业日期）。"


class _BackgroundLedger(_WorkerRecordLedger):
    kind = Kind.BACKGROUND_CHECKS
    model = BackgroundCheck
    natural = ("checked_on",)
    duplicate_message = "与第{row}行重复（同一人、同一核查日期）。"
    keep_when_blank = frozenset({"certificate_number", "note"})


class _SkillLedger(_WorkerRecordLedger):
    kind = Kind.SKILLS
    model = SkillCertificate
    natural = ("occupation", "level")
    duplicate_message = "与第{row}行重复（同一人、同一职业、同一等级的证书）。"
    keep_when_blank = frozenset({"number", "issuer"})


_LEDGERS: dict[str, type[_Ledger]] = {
    ledger.kind: ledger
    for ledger in (
        _EnterpriseLedger,
        _WorkerLedger,
        _QualificationLedger,
        _HealthLedger,
        _TrainingLedger,
        _BackgroundLedger,
        _SkillLedger,
    )
}


# --- Progress ------------------------------------------------------------------------------


class _Progress:
    """Writes processed_rows and a phase message where the progress page can see them.

    Inside the write transaction this connection's own updates stay invisible until the
    commit, so on PostgreSQL progress goes through a second, autocommit connection. The
    row is taken with SKIP LOCKED: if this connection ever holds the row's lock, a progress
    update is skipped instead of waiting for a lock that would never be released.
    """

    def __init__(self, ledger_import: LedgerImport):
        self.pk = ledger_import.pk
        self.last = 0.0
        self.side = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def report(self, processed: int, phase: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_INTERVAL_SECONDS:
            return
        self.last = now
        message = f"{phase}：已处理{processed}行"
        if self.side is not None:
            table = self.side.ops.quote_name(LedgerImport._meta.db_table)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET processed_rows = %s, message = %s, "  # noqa: S608 - table from the model
                    "last_progress_at = now() "
                    f"WHERE id = (SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                    [processed, message, self.pk],
                )
        elif not connection.in_atomic_block:
            LedgerImport.objects.filter(pk=self.pk).update(
                processed_rows=processed, message=message, last_progress_at=timezone.now()
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


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


def _transition(ledger_import: LedgerImport, status: str, **changes) -> None:
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
            _transition(
                ledger_import,
                Status.FAILED,
                message=f"{ROLLED_BACK}：后台任务中断，未能完成。请重新上传文件。",
                finished_at=now,
            )
        except LedgerImportStateError:
            continue  # it moved on meanwhile
        count += 1
    return count


# --- Validation --------------------------------------------------------------------------


def _read_header(rows, ledger: _Ledger) -> tuple[list[tuple[int, str]], list[str]]:
    known = {normalise_header(column.header): column for column in ledger.columns}
    for attempt, (row_no, cells) in enumerate(rows, start=1):
        headers = {index: normalise_header(value) for index, value in cells.items()}
        if not any(text in known for text in headers.values()):
            if attempt >= HEADER_SEARCH_ROWS:
                break
            continue
        mapping, seen, ignored = [], set(), []
        for index in sorted(headers):
            column = known.get(headers[index])
            if column is None:
                if headers[index]:
                    ignored.append(headers[index])
                continue
            if column.key in seen:
                raise FileRefused(f"第{row_no}行表头中“{column.header}”列出现了不止一次。")
            seen.add(column.key)
            mapping.append((index, column.key))
        missing = [
            column.header for column in ledger.columns if column.required and column.key not in seen
        ]
        if missing:
            raise FileRefused(
                f"表头缺少必填列：{'、'.join(missing)}。请使用下载的导入模板，不要改动表头。"
            )
        return mapping, ignored
    example = "、".join(column.header for column in ledger.columns[:3])
    raise FileRefused(
        f"没有找到表头：第一行应为列名，如“{example}”等。请使用下载的“{Kind(ledger.kind).label}”导入模板。"
    )


def _check(ledger_import: LedgerImport, progress: _Progress) -> tuple[_Ledger, int, list[str]]:
    """Read and validate every row; nothing is written. Raises FileRefused."""
    try:
        data = _unseal(ledger_import)
        open_archive(data)
    except ValidationError as error:
        raise FileRefused(_first_message(error)) from None
    workbook = Workbook(data)
    ledger = _LEDGERS[ledger_import.kind](epoch=workbook.epoch, today=timezone.localdate())
    rows = workbook.rows()
    mapping, ignored = _read_header(rows, ledger)
    limit = settings.LEDGER_IMPORT_MAX_ROWS
    count = 0
    for row_no, cells in rows:
        raw = {key: cells.get(index) for index, key in mapping}
        if all(_is_blank(value) for value in raw.values()):
            continue
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
    notes = [f"已忽略无法识别的列：{'、'.join(ignored)}。"] if ignored else []
    return ledger, count, notes


def _errors_summary(ledger: _Ledger) -> str:
    summary = f"发现{ledger.error_count}处错误，未导入任何数据。请修改后重新上传。"
    if ledger.error_count > len(ledger.errors):
        summary += f"（仅列出前{len(ledger.errors)}处）"
    return summary


def _refusal(message: str) -> list[dict]:
    return [RowError(None, "", message).as_dict()]


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


def _dossiers_recompute(outcome: _Outcome, today: date) -> None:
    """Derived dossier columns of every subject the import touched, range by range."""
    enterprise_ids = set(outcome.enterprise_ids)
    for scope in _scopes(outcome.worker_ids):
        workers_refresh(scope, today=today)
        enterprise_ids.update(
            Employment.objects.filter(scope.on("worker_id"), ended_on__isnull=True).values_list(
                "enterprise_id", flat=True
            )
        )
    for scope in _scopes(enterprise_ids):
        enterprises_refresh(scope, today=today)


# --- Public API --------------------------------------------------------------------------


def ledger_model(kind: str):
    return RESOURCES[kind]._meta.model


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


def ledger_import_in_background(ledger_import: LedgerImport) -> bool:
    return ledger_import.total_rows > settings.LEDGER_IMPORT_SYNC_ROWS


def ledger_import_create(*, actor, kind: str, uploaded_file) -> LedgerImport:
    """Guard an uploaded workbook and store it (encrypted); nothing is validated yet."""
    if kind not in RESOURCES:
        raise ValidationError("请选择台账类型。", code="kind")
    _require_import_permission(actor, kind)
    limit = settings.LEDGER_IMPORT_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise ValidationError(
            f"文件大小为{_megabytes(uploaded_file.size)}，超过上限{_megabytes(limit)}，请拆分后分批导入。",
            code="too_large",
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    try:
        open_archive(data)
        rows = max(Workbook(data).estimate_rows() - 1, 0)
    except FileRefused as refusal:
        raise ValidationError(str(refusal), code="unreadable") from None
    if rows > settings.LEDGER_IMPORT_MAX_ROWS:
        raise ValidationError(
            f"工作表约有{rows}行数据，超过单次导入上限{settings.LEDGER_IMPORT_MAX_ROWS}行，"
            "请拆分为多个文件分批导入。",
            code="too_many_rows",
        )
    name = posixpath.basename((uploaded_file.name or "ledger.xlsx").replace("\\", "/"))
    ledger_import = LedgerImport(
        kind=kind, original_name=name[:200], uploaded_by=actor, total_rows=rows
    )
    ledger_import.file.save(f"{uuid.uuid4().hex}.xlsx.enc", ContentFile(_seal(data)), save=False)
    ledger_import.save()
    return ledger_import


def ledger_import_validate(*, ledger_import: LedgerImport) -> LedgerImport:
    """The dry run: every row checked against the registers, errors or a preview stored."""
    _transition(
        ledger_import, Status.VALIDATING, processed_rows=0, errors=[], preview=[], message=""
    )
    progress = _Progress(ledger_import)
    try:
        ledger, total, notes = _check(ledger_import, progress)
    except FileRefused as refusal:
        _transition(
            ledger_import,
            Status.INVALID,
            errors=_refusal(str(refusal)),
            message=f"文件无法导入：{refusal}",
            finished_at=timezone.now(),
        )
        return ledger_import
    except Exception:
        logger.exception("ledger import %s: validation failed", ledger_import.pk)
        _transition(
            ledger_import,
            Status.FAILED,
            message="校验时发生系统错误，未导入任何数据。请稍后重试，如仍失败请联系系统管理员。",
            finished_at=timezone.now(),
        )
        return ledger_import
    finally:
        progress.close()
    if ledger.error_count:
        _transition(
            ledger_import,
            Status.INVALID,
            total_rows=total,
            processed_rows=total,
            errors=[error.as_dict() for error in ledger.errors],
            message=_errors_summary(ledger),
            finished_at=timezone.now(),
        )
        return ledger_import
    updates = sum(1 for record in ledger.records if record["pk"])
    _transition(
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
        from ..tasks import validate_ledger_import

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
    _transition(
        ledger_import, Status.IMPORTING, processed_rows=0, message="等待导入", finished_at=None
    )
    if not in_process and ledger_import_in_background(ledger_import):
        from ..tasks import run_ledger_import

        transaction.on_commit(
            lambda: run_ledger_import.apply_async(
                (ledger_import.pk,), queue=settings.CELERY_BULK_QUEUE
            )
        )
        return ledger_import
    return ledger_import_run(ledger_import=ledger_import)


def ledger_import_run(*, ledger_import: LedgerImport) -> LedgerImport:
    """Validate against the registers as they are now, then write everything or nothing.

    Idempotent: only an import in status IMPORTING runs; a finished one is left alone.
    """
    ledger_import.refresh_from_db()
    if ledger_import.status != Status.IMPORTING:
        return ledger_import
    progress = _Progress(ledger_import)
    try:
        ledger, total, notes = _check(ledger_import, progress)
        if ledger.error_count:
            _transition(
                ledger_import,
                Status.INVALID,
                total_rows=total,
                processed_rows=0,
                errors=[error.as_dict() for error in ledger.errors],
                message=_errors_summary(ledger),
                finished_at=timezone.now(),
            )
            return ledger_import
        with transaction.atomic():
            outcome = ledger.write(
                actor=ledger_import.uploaded_by,
                reason=f"台账导入#{ledger_import.pk}",
                progress=progress,
            )
            _dossiers_recompute(outcome, ledger.today)
            _transition(
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
    except FileRefused as refusal:
        _transition(
            ledger_import,
            Status.INVALID,
            processed_rows=0,
            errors=_refusal(str(refusal)),
            message=f"文件无法导入：{refusal}",
            finished_at=timezone.now(),
        )
    except LedgerImportStateError:
        # Another run finished (or failed) this import first; its outcome stands.
        ledger_import.refresh_from_db()
    except Exception as error:
        changed = isinstance(error, IntegrityError | _RegistersChanged) or isinstance(
            getattr(error, "error", None), IntegrityError
        )
        if not changed:
            logger.exception("ledger import %s failed", ledger_import.pk)
        _transition(
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
    finally:
        progress.close()
    return ledger_import


# --- Templates and exports -------------------------------------------------------------


def ledger_filename(kind: str, what: str) -> str:
    return f"{Kind(kind).label}{what}_{timezone.localdate():%Y%m%d}.xlsx"


def ledger_template(*, kind: str) -> bytes:
    """The import template of a kind: Chinese headers (required ones in red), text format
    for identifiers, drop-down lists for choices, and a sheet of instructions."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    resource = RESOURCES[kind]()
    dataset = resource.export(
        queryset=ledger_model(kind).objects.none(), export_fields=resource.template_fields()
    )
    dataset.title = Kind(kind).label
    workbook = load_workbook(BytesIO(xlsx_from_dataset(dataset)))
    sheet = workbook.active
    columns = LEDGER_COLUMNS[kind]
    townships = list(Township.objects.values_list("name", flat=True))
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="FFF2CC" if column.required else "DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.type in ("id_number", "uscc", "phone", "mobile", "text"):
            sheet.column_dimensions[letter].number_format = "@"
        options = [label for _, label in column.choices]
        if column.type == "township":
            options = townships
        if options and len(",".join(options)) < 250:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(options) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                error="请从下拉列表中选择",
            )
            validation.add(f"{letter}2:{letter}{settings.LEDGER_IMPORT_MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    guide = workbook.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写要求"])
    for column in columns:
        options = "、".join(label for _, label in column.choices)
        note = "；".join(
            part for part in (column.help, f"可选：{options}" if options else "") if part
        )
        guide.append([column.header, "必填" if column.required else "选填", note])
    guide.append([])
    for line in (
        "1. 第一行为表头，请勿修改或删除；数据从第二行开始，每行一条。",
        "2. 日期可填写为Excel日期，或如2025-01-31、2025/1/31的文字。",
        "3. 身份证号、统一社会信用代码、电话请设为“文本”格式，避免Excel把长数字改写。",
        f"4. 单个文件不超过{settings.LEDGER_IMPORT_MAX_ROWS}行、"
        f"{_megabytes(settings.LEDGER_IMPORT_MAX_BYTES)}。",
        "5. 上传后系统先逐行校验并预览；只要有一行有误，整个文件都不会导入。",
        "6. 已登记的对象按身份证号或统一社会信用代码更新，不会重复建档；"
        "空白的选填单元格不会清除已有信息。",
    ):
        guide.append([line])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def ledger_export(*, kind: str, queryset=None) -> bytes:
    """The register of a kind as xlsx, masked: ID numbers and worker phones never in full.

    `queryset` narrows the export (e.g. the rows selected in an admin list).
    """
    resource = RESOURCES[kind]()
    rows = resource.export_queryset()
    if queryset is not None:
        rows = rows.filter(pk__in=queryset.values("pk"))
    dataset = resource.export(queryset=rows, force_native_type=True)
    dataset.title = Kind(kind).label
    return xlsx_from_dataset(dataset)
