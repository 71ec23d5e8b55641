"""The column specification of an import and the matching of a workbook's header row.

An importer describes its workbook as a tuple of `Column`s (the Chinese header, whether it
is required, how a cell is read, the help shown in the template). `find_header` finds the
header row — a title row or two above it is tolerated — and maps each known header to its
column key, whatever the spaces, the full-width or ASCII asterisks and the "（必填）" marks
around it; synonyms (the headers other agencies' exports use) are accepted too.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .cells import as_text
from .reading import FileRefused

HEADER_SEARCH_ROWS = 10  # a title row or two above the header is tolerated


@dataclass(frozen=True)
class Column:
    """One column of an import workbook.

    `type` names the reader of its cells (see `core.spreadsheets.cells.CELL_READERS` and
    the importer's own readers): text, date, choice, decimal, email, uscc, phone (mobile or
    landline), mobile, id_number, or one the importer adds.
    """

    key: str
    header: str
    type: str = "text"
    required: bool = False
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


def choices_of(pairs) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in pairs)


def normalise_header(value) -> str:
    text = re.sub(r"\s+", "", as_text(value))
    return re.sub(r"(\*|＊|[（(]必填[)）])+$", "", text).lstrip("*＊")


def full_width_brackets(text: str) -> str:
    return text.replace("(", "（").replace(")", "）")


@dataclass
class HeaderMatch:
    mapping: list[tuple[int, str]]  # (0-based column index, column key)
    ignored: list[str] = field(default_factory=list)  # headers no column knows


@dataclass(frozen=True)
class HeaderRules:
    """How an importer's header row is recognised and what it is told when it is not."""

    columns: tuple[Column, ...]
    missing_hint: str  # follows "表头缺少必填列：…。"
    not_found: str  # the whole message when no row looks like a header
    synonyms: Mapping[str, str] = field(default_factory=dict)  # header → column key
    normalise: Callable[[object], str] = normalise_header

    def known(self) -> dict[str, Column]:
        by_key = {column.key: column for column in self.columns}
        known = {self.normalise(column.header): column for column in self.columns}
        known.update({self.normalise(name): by_key[key] for name, key in self.synonyms.items()})
        return known


def _match_row(row_no: int, headers: dict[int, str], rules: HeaderRules, known) -> HeaderMatch:
    match, seen = HeaderMatch(mapping=[]), set()
    for index in sorted(headers):
        column = known.get(headers[index])
        if column is None:
            if headers[index]:
                match.ignored.append(headers[index])
            continue
        if column.key in seen:
            raise FileRefused(f"第{row_no}行表头中“{column.header}”列出现了不止一次。")
        seen.add(column.key)
        match.mapping.append((index, column.key))
    missing = [c.header for c in rules.columns if c.required and c.key not in seen]
    if missing:
        raise FileRefused(f"表头缺少必填列：{'、'.join(missing)}。{rules.missing_hint}")
    return match


def find_header(rows, rules: HeaderRules) -> HeaderMatch:
    """Consume `rows` (Workbook.rows()) up to and including the header row. Raises
    FileRefused when there is none in the first HEADER_SEARCH_ROWS rows, when a column is
    given twice or when a required column is missing."""
    known = rules.known()
    for attempt, (row_no, cells) in enumerate(rows, start=1):
        headers = {index: rules.normalise(value) for index, value in cells.items()}
        if any(text in known for text in headers.values()):
            return _match_row(row_no, headers, rules, known)
        if attempt >= HEADER_SEARCH_ROWS:
            break
    raise FileRefused(rules.not_found)
