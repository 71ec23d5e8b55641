"""Workbooks and helpers shared by the ledger import tests."""

import datetime
import io
import re

import openpyxl
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import (
    LedgerImport,
)
from registry.services.ledger import (
    ledger_import_confirm,
    ledger_import_create,
    ledger_import_validate,
)
from registry.services.ledger.columns import LEDGER_COLUMNS
from tests.factories.registry import (
    make_id_number,
)

Status = LedgerImport.Status
WORKER_HEADERS = [column.header for column in LEDGER_COLUMNS["workers"]]


# --- Helpers ------------------------------------------------------------------------------


def xlsx(headers, rows, *, title_rows=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (*title_rows, headers, *rows):
        sheet.append(list(row))
    for column in sheet.iter_cols(min_row=1, max_row=sheet.max_row):
        for cell in column:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def fast_xlsx(headers, rows) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def upload(data: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def person(index: int) -> str:
    return make_id_number(datetime.date(1970, 1, 1) + datetime.timedelta(days=index), sequence=0)


def worker_row(index: int, employer: str | None = None) -> list:
    return [
        f"卓玛{index}",
        person(index),
        "藏族",
        f"138{index:08d}",
        "城关镇",
        "城关镇滨江路12号",
        "初中",
        employer,
        "家政服务员" if employer else None,
        datetime.date(2024, 3, 1) if employer else None,
    ]


def run(kind: str, data: bytes, actor=None) -> LedgerImport:
    """Upload and import in this process (the command-line path): validate, then write."""
    ledger_import = ledger_import_create(actor=actor, kind=kind, uploaded_file=upload(data))
    return ledger_import_confirm(actor=actor, ledger_import=ledger_import, in_process=True)


def preview(kind: str, data: bytes, actor=None) -> LedgerImport:
    ledger_import = ledger_import_create(actor=actor, kind=kind, uploaded_file=upload(data))
    return ledger_import_validate(ledger_import=ledger_import)


def staff_in(django_user_model, client, role, username):
    user = django_user_model.objects.create_user(username, password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


ID_PATTERN = re.compile(r"\d{17}[\dX]")


def plain_ids_in(text: str, ids: set[str]) -> set[str]:
    return set(ID_PATTERN.findall(text)) & ids
