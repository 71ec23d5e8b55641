"""Row errors: where (Excel row, Chinese header) and what, kept up to a cap.

Every import checks every row before it writes anything and reports all the errors it
found, but stores and shows only the first MAX_STORED_ERRORS of them (a file of 100,000
bad rows would otherwise fill a page and a database row); the summary says so.
"""

from dataclasses import dataclass, field

MAX_STORED_ERRORS = 500


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
    """One stored error (RowError.as_dict()) as a sentence."""
    return str(RowError(error.get("row"), error.get("column", ""), error["message"]))


def errors_summary(count: int, listed: int) -> str:
    summary = f"发现{count}处错误，未导入任何数据。请修改后重新上传。"
    if count > listed:
        summary += f"（仅列出前{listed}处）"
    return summary


@dataclass
class ErrorLog:
    """All the errors counted, the first MAX_STORED_ERRORS kept."""

    errors: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        self.count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, column, message))

    def summary(self) -> str:
        return errors_summary(self.count, len(self.errors))
