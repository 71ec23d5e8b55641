"""Checking rows: each cell read by its column's reader, errors collected with a cap.

An importer subclasses `RowCheck` with its column specification and its row rule: the
rules across the cells of one row (`clean`), then, once every row is read, the look-ups
against the database in chunks (never one query per row). Nothing is written while
checking: one bad row and nothing is.
"""

from collections.abc import Callable, Iterator, Mapping

from .cells import CELL_READERS, EXCEL_ERRORS, CellError, is_blank, read_once
from .columns import Column
from .errors import ErrorLog

# Readers that depend on the cell value alone: each distinct value is read once per import.
REPEATING_TYPES = frozenset({"uscc", "date", "choice", "township"})

Reader = Callable[[object, Column, object], object]


def data_rows(rows, mapping: list[tuple[int, str]]) -> Iterator[tuple[int, dict]]:
    """(Excel row number, {column key: raw value}) for each row below the header that has
    a value in a known column."""
    for row_no, cells in rows:
        raw = {key: cells.get(index) for index, key in mapping}
        if all(is_blank(value) for value in raw.values()):
            continue
        yield row_no, raw


class RowCheck:
    """Reads the cells of rows against a column specification, counting every error and
    keeping the first MAX_STORED_ERRORS. Subclasses add the rules of their rows."""

    columns: tuple[Column, ...] = ()
    readers: Mapping[str, Reader] = CELL_READERS
    # Other spellings accepted for the choices of a column: {column key: {text: value}}.
    choice_aliases: Mapping[str, Mapping[str, str]] = {}

    def __init__(self, *, epoch):
        self.epoch = epoch
        self.log = ErrorLog()
        self._choice_lookups: dict[str, dict[str, str]] = {}
        self._readers = [
            (
                column,
                read_once(self.readers[column.type])
                if column.type in REPEATING_TYPES
                else self.readers[column.type],
            )
            for column in self.columns
        ]

    @property
    def errors(self):
        return self.log.errors

    @property
    def error_count(self) -> int:
        return self.log.count

    def header(self, key: str) -> str:
        return next(column.header for column in self.columns if column.key == key)

    def add_error(self, row: int | None, column: str, message: str) -> None:
        """`column` is the Chinese header the error is shown under."""
        self.log.add(row, column, message)

    def choice_lookup(self, column: Column) -> dict[str, str]:
        lookup = self._choice_lookups.get(column.key)
        if lookup is None:
            lookup = {value: value for value, _ in column.choices}
            lookup.update({label: value for value, label in column.choices})
            lookup.update(self.choice_aliases.get(column.key, {}))
            self._choice_lookups[column.key] = lookup
        return lookup

    def read_cells(self, row: int, raw: Mapping[str, object], record: dict) -> set[str]:
        """Read each cell of a row into `record` (None when blank or unreadable); returns
        the keys of the cells that are wrong, each reported once."""
        bad: set[str] = set()
        for column, read in self._readers:
            value = raw.get(column.key)
            record[column.key] = None
            if value is None or (value.__class__ is str and not value.strip()):
                if column.required:
                    self.add_error(row, column.header, "必填，不能为空。")
                    bad.add(column.key)
            elif value.__class__ is str and value in EXCEL_ERRORS:
                self.add_error(row, column.header, f"单元格是Excel错误值（{value}），请修正。")
                bad.add(column.key)
            else:
                try:
                    record[column.key] = read(value, column, self)
                except CellError as error:
                    self.add_error(row, column.header, str(error))
                    bad.add(column.key)
        return bad
