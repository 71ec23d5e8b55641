"""The audit trail of a period, for auditors: every recorded staff action in one table.

Sources, merged in time order:

- 版本记录: the django-simple-history rows of every model that keeps history (who created,
  changed or deleted which record, with the reason given);
- 后台操作: the admin's own log (LogEntry: additions, changes, deletions through the admin);
- 个人信息查看: every reveal of a protected value (PersonalDataAccess), with its reason;
- 登录: the logins and logouts django-axes records (AccessLog).

`audit_rows(start, end)` yields the rows of the days `start` to `end` (both included, in
the site's time zone); `write_csv` and `write_xlsx` write them. Rows come from database
cursors chunk by chunk, so a year of history is written without holding it in memory.
"""

import heapq
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import IO

from axes.models import AccessLog
from django.contrib.admin.models import LogEntry
from django.utils import timezone
from simple_history.models import registered_models

from core.spreadsheets import ExportWorkbook
from core.spreadsheets import csv_lines as _csv_lines
from registry.models import PersonalDataAccess

COLUMNS = ["时间", "来源", "操作人", "操作", "对象类型", "对象编号", "对象", "说明", "IP地址"]
HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
ADMIN_FLAGS = {1: "新增", 2: "修改", 3: "删除"}
CHUNK = 2_000


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants the days `start`…`end` (site time zone) begin and end."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _history_manager(model):
    return getattr(model, getattr(model._meta, "simple_history_manager_attribute", "history"))


def _history_rows(model, since, until) -> Iterator[tuple]:
    history = _history_manager(model).model
    pk = model._meta.pk.attname
    label = str(model._meta.verbose_name)
    rows = (
        history.objects.filter(history_date__gte=since, history_date__lt=until)
        .order_by("history_date", "history_id")
        .values_list(
            "history_date", "history_user__username", "history_type", pk, "history_change_reason"
        )
    )
    for when, username, kind, object_id, reason in rows.iterator(chunk_size=CHUNK):
        yield (when, "版本记录", username, HISTORY_TYPES.get(kind, kind), label, object_id, "",
               reason or "", "")  # fmt: skip


def _admin_rows(since, until) -> Iterator[tuple]:
    rows = (
        LogEntry.objects.filter(action_time__gte=since, action_time__lt=until)
        .select_related("user", "content_type")
        .order_by("action_time", "id")
    )
    for entry in rows.iterator(chunk_size=CHUNK):
        model = entry.content_type.model_class() if entry.content_type_id else None
        yield (
            entry.action_time,
            "后台操作",
            entry.user.get_username(),
            ADMIN_FLAGS.get(entry.action_flag, str(entry.action_flag)),
            str(model._meta.verbose_name) if model else "",
            entry.object_id or "",
            entry.object_repr,
            entry.get_change_message(),
            "",
        )


def _reveal_rows(since, until) -> Iterator[tuple]:
    rows = (
        PersonalDataAccess.objects.filter(accessed_at__gte=since, accessed_at__lt=until)
        .select_related("user", "content_type")
        .order_by("accessed_at", "id")
    )
    for access in rows.iterator(chunk_size=CHUNK):
        model = access.content_type.model_class()
        yield (
            access.accessed_at,
            "个人信息查看",
            access.user.get_username(),
            f"查看{access.field}",
            str(model._meta.verbose_name) if model else "",
            access.object_id,
            access.subject_label,
            access.reason,
            access.ip_address or "",
        )


def _login_rows(since, until, *, field: str, action: str) -> Iterator[tuple]:
    logs = AccessLog.objects.filter(**{f"{field}__gte": since, f"{field}__lt": until})
    for log in logs.order_by(field, "id").iterator(chunk_size=CHUNK):
        yield (getattr(log, field), "登录", log.username, action, "", "", "", "",
               log.ip_address or "")  # fmt: skip


def _history_models() -> list:
    # Historical models of many-to-many fields are registered too; they have no `history`.
    return sorted(
        {model for model in registered_models.values() if _has_history(model)},
        key=lambda model: model._meta.label,
    )


def _has_history(model) -> bool:
    try:
        _history_manager(model)
    except AttributeError:
        return False
    return True


def audit_rows(start: date, end: date) -> Iterator[list]:
    """The period's rows, oldest first, in the order of COLUMNS (time as local time)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    since, until = period_bounds(start, end)
    sources: list[Iterable[tuple]] = [
        _admin_rows(since, until),
        _reveal_rows(since, until),
        _login_rows(since, until, field="attempt_time", action="登录"),
        _login_rows(since, until, field="logout_time", action="退出"),
        *(_history_rows(model, since, until) for model in _history_models()),
    ]
    for row in heapq.merge(*sources, key=lambda row: row[0]):
        when = timezone.localtime(row[0]).replace(tzinfo=None, microsecond=0)
        yield [when, *("" if value is None else value for value in row[1:])]


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """The header and `rows` as CSV lines (formula-like text neutralised, as in the
    workbooks)."""
    return _csv_lines(COLUMNS, ([_text(value) for value in row] for row in rows))


def write_csv(rows: Iterable[list], stream: IO[str]) -> int:
    """Write the header and `rows`; returns the number of rows."""
    count = -1
    for count, line in enumerate(csv_lines(rows)):  # noqa: B007
        stream.write(line)
    return count


def write_xlsx(rows: Iterable[list], stream: IO[bytes]) -> int:
    workbook = ExportWorkbook(write_only=True)
    sheet = workbook.create_sheet("审计记录")
    sheet.append(COLUMNS)
    count = 0
    for row in rows:
        sheet.append([value if isinstance(value, datetime | int) else str(value) for value in row])
        count += 1
    workbook.save(stream)
    return count


def _text(value) -> str:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)


FORMATS = {"csv": write_csv, "xlsx": write_xlsx}
