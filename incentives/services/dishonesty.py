"""The dishonesty list (失信名单) and residents' credit status.

The bureau imports a list it receives — typically the court's 失信被执行人名单 — from an
Excel workbook. A list is a snapshot of its source: importing it replaces that source's
earlier entries, so people the court has removed stop counting. Every row is checked
before anything is written; one bad row and nothing is (the errors name row and column).
Then every registered resident is checked against all active entries by the keyed hash of
the ID number: residents on a list get the status 列入失信名单, the others 信用良好, and
all get the date of the check. Only the hash, the masked number and the name of a listed
person are kept.

Preview, then confirm with the same file, as for credit records: the preview names an
import id (a digest of the file, the source and the date) and only that file is written.
The workbook is read, its header matched and its errors capped by the spreadsheet kit
(`core.spreadsheets`); this module holds the list's columns and the rule of a row.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from core import personal_data
from core.audit import audited_save
from core.spreadsheets.columns import Column, HeaderRules, find_header
from core.spreadsheets.reading import FileRefused, Workbook, read_upload
from core.spreadsheets.results import ImportResult
from core.spreadsheets.rows import RowCheck, data_rows
from core.spreadsheets.templates import TemplateSpec, template_workbook

from ..models import DishonestyEntry, DishonestyListImport, Resident
from .residents import dishonesty_note

IMPORT_PERMISSION = "incentives.add_dishonestylistimport"
PREVIEW_ROWS = 50
BATCH_SIZE = 1000

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", required=True, max_length=50, help="被执行人姓名"),
    Column(
        "id_number",
        "身份证号",
        "id_number",
        required=True,
        help="18位身份证号，不能脱敏；请将此列设为文本格式",
    ),
    Column("case_number", "案号", max_length=100, help="如（2025）甘3023执123号"),
    Column("authority", "执行法院", max_length=100, help="或作出认定的机关"),
    Column("listed_on", "列入日期", "date", help="如2025-01-31或2025/1/31"),
)
HEADERS = {column.key: column.header for column in COLUMNS}
# Headers the court's and other agencies' exports use for the same columns.
HEADER_ALIASES = {
    "被执行人姓名": "name",
    "被执行人姓名/名称": "name",
    "被执行人": "name",
    "身份证号码": "id_number",
    "证件号码": "id_number",
    "公民身份号码": "id_number",
    "执行案号": "case_number",
    "执行依据文号": "case_number",
    "认定机关": "authority",
    "发布时间": "listed_on",
    "发布日期": "listed_on",
    "立案时间": "listed_on",
}


@dataclass
class DishonestyImportResult(ImportResult):
    entry_count: int = 0
    matched_count: int = 0  # registered residents found on the list
    list_import: DishonestyListImport | None = None

    def outcome(self) -> str:
        if self.written:
            return (
                f"导入完成：名单共{self.entry_count}人，其中{self.matched_count}人是已登记的居民，"
                "其信用状况已更新为“列入失信名单”；其余居民已核查为信用良好。"
            )
        text = (
            f"校验通过：名单共{self.entry_count}人，其中{self.matched_count}人是已登记的居民。"
            "确认导入后才会写入，并替换同一来源的上一份名单。"
        )
        if self.changed_file:
            text = "所选文件或名单信息与预览时不一致，已按此文件重新校验，未写入。" + text
        return text


def dishonesty_import_allowed(user) -> bool:
    return user.has_perm(IMPORT_PERMISSION)


HEADER_RULES = HeaderRules(
    columns=COLUMNS,
    missing_hint="请使用下载的失信名单导入模板。",
    not_found="没有找到表头：第一行应为列名，如“姓名、身份证号、案号”。请使用下载的模板。",
    synonyms=HEADER_ALIASES,
)


class _Check(RowCheck):
    columns = COLUMNS

    def __init__(self, epoch, today: date):
        super().__init__(epoch=epoch)
        self.today = today
        self.records: list[dict] = []

    def clean(self, row: int, raw: dict) -> None:
        record = {"row": row}
        bad = self.read_cells(row, raw, record)
        if record["listed_on"] and record["listed_on"] > self.today:
            self.add_error(row, HEADERS["listed_on"], "列入日期不能晚于今天。")
            bad.add("listed_on")
        if not bad:
            record["hash"] = personal_data.lookup_hash(record["id_number"].number)
            self.records.append(record)


def _import_id(data: bytes, source: str, list_date: date) -> str:
    digest = hashlib.sha256(data)
    digest.update(f"\n{source}\n{list_date.isoformat()}".encode())
    return digest.hexdigest()[:32]


def _check(data: bytes, today: date) -> tuple[_Check, int]:
    try:
        workbook = Workbook(data)
        rows = workbook.rows()
        header = find_header(rows, HEADER_RULES)
    except FileRefused as refusal:
        raise ValidationError(str(refusal), code="unreadable") from None
    limit = settings.LEDGER_IMPORT_MAX_ROWS
    if workbook.estimate_rows() - 1 > limit:
        raise ValidationError(
            f"名单每次最多导入{limit}行，请拆分后分别导入。", code="too_many_rows"
        )
    check = _Check(Workbook.epoch, today)
    total = 0
    for row_no, raw in data_rows(rows, header.mapping):
        total += 1
        check.clean(row_no, raw)
    if total == 0:
        raise ValidationError(_("文件中没有名单数据：表头下面是空的。"), code="empty")
    return check, total


def _matched(hashes: set[str]) -> int:
    ordered = sorted(hashes)
    return sum(
        Resident.objects.filter(id_number_hash__in=ordered[start : start + BATCH_SIZE]).count()
        for start in range(0, len(ordered), BATCH_SIZE)
    )


def dishonesty_list_import(
    *,
    actor,
    uploaded_file,
    source: str,
    list_date: date,
    dry_run: bool = False,
    previewed_import_id: str = "",
) -> DishonestyImportResult:
    """Check every row of a dishonesty list, then (unless `dry_run`) replace the active
    entries of `source` with it and recheck every resident, all in one transaction.

    Raises ValidationError when the file itself cannot be imported and PermissionDenied
    when `actor` may not import lists."""
    if actor is not None and not dishonesty_import_allowed(actor):
        raise PermissionDenied("您没有导入失信名单的权限。")
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": _("请填写名单来源。")})
    today = timezone.localdate()
    if list_date > today:
        raise ValidationError({"list_date": _("名单日期不能晚于今天。")})
    data = read_upload(uploaded_file)  # too large, not an xlsx, zip bomb, DTD
    check, total = _check(data, today)
    hashes = {record["hash"] for record in check.records}
    result = DishonestyImportResult(
        import_id=_import_id(data, source, list_date),
        total_rows=total,
        entry_count=len(check.records),
        matched_count=_matched(hashes) if not check.error_count else 0,
    )
    result.changed_file = bool(previewed_import_id) and previewed_import_id != result.import_id
    if check.error_count:
        result.errors, result.error_count = check.errors, check.error_count
        return result
    result.preview = [
        {
            "row": r["row"],
            "values": [
                r["name"],
                r["id_number"].masked,
                r["case_number"] or "",
                r["authority"] or "",
                r["listed_on"].isoformat() if r["listed_on"] else "",
            ],
        }
        for r in check.records[:PREVIEW_ROWS]
    ]
    if dry_run or result.changed_file:
        return result
    result.list_import = _write(check, actor, source, list_date, uploaded_file, result.import_id)
    result.matched_count = result.list_import.matched_count
    result.written = True
    return result


@transaction.atomic
def _write(check: _Check, actor, source: str, list_date: date, uploaded_file, import_id: str):
    now = timezone.now()
    # Two imports of the same source at once: the second waits here for the first and
    # then replaces its entries, instead of both staying active.
    list(DishonestyEntry.objects.select_for_update().filter(source=source, is_active=True))
    list_import = DishonestyListImport.objects.create(
        source=source,
        list_date=list_date,
        original_name=(getattr(uploaded_file, "name", "") or "名单.xlsx")[:200],
        import_digest=import_id,
        imported_by=actor if getattr(actor, "pk", None) else None,
        entry_count=len(check.records),
    )
    DishonestyEntry.objects.filter(source=source, is_active=True).exclude(
        list_import=list_import
    ).update(
        is_active=False,
        removed_at=now,
        removal_reason=f"已被{list_date}的新名单替换（导入#{list_import.pk}）",
    )
    DishonestyEntry.objects.bulk_create(
        [
            DishonestyEntry(
                list_import=list_import,
                source=source,
                name=r["name"],
                id_number_hash=r["hash"],
                id_number_masked=r["id_number"].masked,
                case_number=r["case_number"] or "",
                authority=r["authority"] or "",
                listed_on=r["listed_on"],
            )
            for r in check.records
        ],
        batch_size=BATCH_SIZE,
    )
    residents_credit_refresh(actor=actor, reason=f"失信名单导入#{list_import.pk}")
    list_import.matched_count = _matched({r["hash"] for r in check.records})
    list_import.save(update_fields=["matched_count"])
    return list_import


@transaction.atomic
def residents_credit_refresh(*, actor=None, reason: str = "失信名单核查") -> int:
    """Check every resident against the active entries; returns how many changed status.
    Residents whose status or note changes get a history row; all get today's check date."""
    today = timezone.localdate()
    active = DishonestyEntry.objects.filter(is_active=True)
    listed = Resident.objects.filter(id_number_hash__in=active.values("id_number_hash"))
    entries: dict[str, DishonestyEntry] = {}
    for entry in active.filter(id_number_hash__in=listed.values("id_number_hash")).order_by(
        "list_import__imported_at", "pk"
    ):
        entries[entry.id_number_hash] = entry  # the latest list wins the note
    changed = []
    for resident in listed.select_for_update():
        note = dishonesty_note(entries[resident.id_number_hash])
        if (
            resident.credit_status != Resident.CreditStatus.DISHONEST
            or resident.credit_note != note
        ):
            resident.credit_status = Resident.CreditStatus.DISHONEST
            resident.credit_note = note
            changed.append(resident)
    cleared = Resident.objects.filter(credit_status=Resident.CreditStatus.DISHONEST).exclude(
        id_number_hash__in=active.values("id_number_hash")
    )
    for resident in cleared.select_for_update():
        resident.credit_status = Resident.CreditStatus.GOOD
        resident.credit_note = ""
        changed.append(resident)
    for resident in changed:
        resident.credit_checked_on = today
    if changed:
        bulk_update_with_history(
            changed,
            Resident,
            ["credit_status", "credit_note", "credit_checked_on"],
            batch_size=BATCH_SIZE,
            default_user=actor if getattr(actor, "pk", None) else None,
            default_change_reason=reason[:100],
        )
    Resident.objects.exclude(credit_checked_on=today).update(credit_checked_on=today)
    return len(changed)


@transaction.atomic
def dishonesty_entry_remove(*, actor, entry: DishonestyEntry, reason: str) -> DishonestyEntry:
    """Take one person off the list before the next import (e.g. the court's notice that
    the obligation was fulfilled); their resident record becomes good again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"removal_reason": _("请填写移除原因。")})
    entry = DishonestyEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.is_active:
        raise ValidationError(_("该名单记录已移除。"))
    entry.is_active = False
    entry.removed_at = timezone.now()
    entry.removal_reason = reason[:200]
    audited_save(entry, actor=actor)
    residents_credit_refresh(actor=actor, reason=f"移出失信名单：{reason}")
    return entry


def dishonesty_template() -> bytes:
    """The import template: Chinese headers, identifiers as text, and a 填写说明 sheet."""
    spec = TemplateSpec(
        title="失信名单",
        columns=COLUMNS,
        guide_widths=(16, 10, 90),
        rules=(
            "1. 每行一人（同一人有多个案件可写多行）；法院导出的表头“被执行人姓名”“证件号码”"
            "“执行案号”“发布时间”也可识别。",
            "2. 身份证号须完整，不能含*号；请将该列设为“文本”格式。",
            "3. 同一来源的名单每次整份导入，会替换上一份：不在新名单上的人即恢复为信用良好。",
            "4. 只要有一行有误，整个文件都不会导入。",
            "5. 系统只保存身份证号的加密索引和脱敏号码，用于比对已登记的居民。",
        ),
    )
    return template_workbook(spec)
