"""Import templates: one workbook per column specification, written through the
formula-escaping writer.

The first sheet holds the Chinese headers (required ones in red on yellow), text format
for identifiers so Excel does not rewrite long numbers, and drop-down lists for choices;
the 填写说明 sheet lists each column (required or not, what to write) and the rules.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from io import BytesIO

from . import ExportWorkbook
from .columns import Column

# Excel refuses an inline drop-down list longer than 255 characters.
MAX_LIST_CHARS = 250


@dataclass(frozen=True)
class TemplateSpec:
    title: str  # the data sheet's name
    columns: tuple[Column, ...]
    rules: Sequence[str]  # the numbered lines below the columns on 填写说明
    last_row: int | None = None  # drop-down lists reach this row; None: no drop-downs
    text_types: frozenset[str] = frozenset({"uscc", "id_number", "text"})
    options: Mapping[str, Sequence[str]] = field(default_factory=dict)  # column key → list
    width_extra: int = 6  # a column is max(12, 2 × header length + width_extra) wide
    guide_widths: tuple[int, int, int] = (20, 10, 90)


def _options(spec: TemplateSpec, column: Column) -> list[str]:
    if column.key in spec.options:
        return [str(option) for option in spec.options[column.key]]
    return [str(label) for _, label in column.choices]  # choice labels may be lazy


def _header_cell(cell, column: Column) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    cell.font = Font(bold=True, color="C00000" if column.required else "000000")
    cell.fill = PatternFill("solid", fgColor="FFF2CC" if column.required else "DDEBF7")
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _drop_down(sheet, letter: str, column: Column, options: list[str], last_row: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(options) + '"',
        allow_blank=not column.required,
        showErrorMessage=True,
        error="请从下拉列表中选择",
    )
    validation.add(f"{letter}2:{letter}{last_row}")
    sheet.add_data_validation(validation)


def _data_sheet(book, spec: TemplateSpec) -> None:
    from openpyxl.utils import get_column_letter

    sheet = book.active
    sheet.title = spec.title
    sheet.append([column.header for column in spec.columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        _header_cell(sheet.cell(row=1, column=index), column)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + spec.width_extra)
        if column.type in spec.text_types:
            sheet.column_dimensions[letter].number_format = "@"
        options = _options(spec, column)
        if spec.last_row and options and len(",".join(options)) < MAX_LIST_CHARS:
            _drop_down(sheet, letter, column, options, spec.last_row)


def _guide_sheet(book, spec: TemplateSpec) -> None:
    from openpyxl.styles import Font

    guide = book.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写要求"])
    for column in spec.columns:
        options = "、".join(str(label) for _, label in column.choices)
        note = "；".join(part for part in (column.help, options and f"可选：{options}") if part)
        guide.append([column.header, "必填" if column.required else "选填", note])
    guide.append([])
    for line in spec.rules:
        guide.append([line])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABC", spec.guide_widths, strict=True):
        guide.column_dimensions[letter].width = width


def template_workbook(spec: TemplateSpec) -> bytes:
    """The import template of a column specification, as xlsx bytes."""
    book = ExportWorkbook()
    _data_sheet(book, spec)
    _guide_sheet(book, spec)
    output = BytesIO()
    book.save(output)
    return output.getvalue()
