"""The result of an import that previews first and writes when the same file is confirmed
(the credit records, the dishonesty list): what was found, what was written, the message."""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from .errors import RowError, errors_summary


@dataclass
class ImportResult(ABC):
    """`preview` holds the first rows as shown; `import_id` names the previewed file."""

    import_id: str
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    preview: list[dict] = field(default_factory=list)
    written: bool = False
    changed_file: bool = False  # the confirmed file is not the one previewed

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def message(self) -> str:
        if self.error_count:
            return errors_summary(self.error_count, len(self.errors))
        return self.outcome()

    @abstractmethod
    def outcome(self) -> str:
        """The message of a file without errors, checked or written."""
