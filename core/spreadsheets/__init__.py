"""The spreadsheet kit: the importers' shared reading, checking and writing, and the one
workbook writer.

- `reading`: guard an upload (size, zip bomb, DTD) and read its first sheet (calamine).
- `columns`: the column specification of an import and the matching of its header row.
- `cells`: the cell readers; `rows`: checking rows with capped errors (`errors`).
- `templates`: import templates; `progress`: all-or-nothing writing with progress.
- `results`, `admin`, `commands`: the preview/confirm result, the admin import page and the
  shell import command every importer shares.

Every workbook the product writes goes through this module, so that no cell can become a
live formula when staff open it (CSV/formula injection, OWASP).

A name such as `=HYPERLINK("http://…","点击")` typed into the portal or the complaint form
would otherwise reach an export as a formula: openpyxl stores any text beginning with "="
as one, and tablib's own escaping strips a single "=" only (so "==HYPERLINK(…)" survived).
Text beginning with "=", "+", "-", "@", a tab or a carriage return is written with a
leading apostrophe, as OWASP recommends; numbers and dates are untouched.

- `xlsx_from_dataset(dataset)`: an import-export / tablib dataset as xlsx bytes.
- `ExportWorkbook(...)`: openpyxl's workbook; text is neutralised as rows are appended to a
  write-only sheet, and in every cell of a normal workbook when it is saved.
"""

import csv
from collections.abc import Iterable, Iterator

import openpyxl
from django.utils.functional import Promise
from openpyxl.cell.cell import Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"


def neutralise(value):
    """The value to write into a cell: formula-like text gets a leading apostrophe; a lazily
    translated label (a choice's) becomes its text."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_row(values: Iterable) -> list:
    row = []
    for value in values:
        if isinstance(value, Cell):  # a styled WriteOnlyCell
            value.value = neutralise(value.value)
            row.append(value)
        else:
            row.append(neutralise(value))
    return row


def xlsx_from_dataset(dataset) -> bytes:
    from import_export.formats.base_formats import XLSX

    for index, row in enumerate(dataset):
        dataset[index] = tuple(neutralise(value) for value in row)
    return XLSX().export_data(dataset)


class _GuardedAppend:
    """Wraps a write-only sheet's append: its rows are streamed and cannot be swept later."""

    def __init__(self, append):
        self._append = append

    def __call__(self, row):
        return self._append(neutralise_row(row))


class ExportWorkbook(openpyxl.Workbook):
    def create_sheet(self, title=None, index=None):
        sheet = super().create_sheet(title, index)
        if self.write_only:
            sheet.append = _GuardedAppend(sheet.append)
        return sheet

    def save(self, filename) -> None:
        if not self.write_only:
            for sheet in self.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                            cell.value = neutralise(cell.value)
        super().save(filename)


class _Echo:
    def write(self, line: str) -> str:
        return line


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The header and `rows` as CSV lines, one at a time (for streaming), with formula-like
    text neutralised as in the workbooks."""
    writer = csv.writer(_Echo())
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow(neutralise_row(row))
