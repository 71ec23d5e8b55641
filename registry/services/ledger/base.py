"""The row rule of a ledger kind: how one row is checked, resolved against the registers
and written.

`clean` reads one row without touching the database; `resolve` then looks up every
reference and every existing record in chunks; `write` creates and updates in batches of
BATCH_SIZE (bulk_create, and bulk_update_with_history so that each updated record gets one
history row: who, when, which import). Each record is a dict of cleaned values keyed by
column key, plus "row" (the Excel row) and "pk" (the existing record it updates, or None).
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core import page_cache, personal_data
from core.spreadsheets.cells import CELL_READERS, CellError, as_text, decimal_reader
from core.spreadsheets.columns import Column
from core.spreadsheets.progress import BATCH_SIZE, write_in_batches
from core.spreadsheets.rows import RowCheck

from ...models import Enterprise, Township, Worker
from .columns import LEDGER_COLUMNS

LOOKUP_CHUNK = 2000
PREVIEW_ROWS = 20


def _read_township(value, column: Column, context) -> int:
    text = as_text(value)
    for name in (text, text + "镇", text + "乡"):
        if name in context.townships:
            return context.townships[name]
    raise CellError(f"“{text}”不是舟曲县的乡镇，请填写乡镇全称，如城关镇。")


LEDGER_READERS = {
    **CELL_READERS,
    "decimal": decimal_reader(places=1, below=100_000, positive=True, example="40或12.5"),
    "township": _read_township,
}


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    worker_ids: set[int] = field(default_factory=set)
    enterprise_ids: set[int] = field(default_factory=set)


class RegistersChanged(Exception):
    """A record validated a moment ago has gone or appeared: nothing is written."""


def chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def enterprise_ids_by_uscc(usccs) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(sorted(set(usccs))):
        found.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
    return found


def workers_by_hash(hashes) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for chunk in chunks(sorted(set(hashes))):
        rows = Worker.objects.filter(id_number_hash__in=chunk).values_list(
            "id_number_hash", "pk", "name"
        )
        found.update({digest: (pk, name) for digest, pk, name in rows})
    return found


class LedgerRows(RowCheck, ABC):
    """The checks and writes of one kind of ledger."""

    kind: str
    model: type
    readers = LEDGER_READERS
    duplicate_message = "与第{row}行重复。"
    # Model fields a re-import may change; identity and derived columns are kept.
    update_fields: tuple[str, ...] = ()
    # Optional columns whose blank cell keeps the stored value on update (any other blank
    # cell, such as 有效期止 meaning 长期有效, is written as blank).
    keep_when_blank: frozenset[str] = frozenset()

    def __init__(self, *, epoch, today: date):
        self.columns = LEDGER_COLUMNS[self.kind]
        super().__init__(epoch=epoch)
        self.today = today
        self.records: list[dict] = []
        self._seen_keys: dict[tuple, int] = {}
        self.townships = dict(Township.objects.values_list("name", "pk"))
        self.township_names = {pk: name for name, pk in self.townships.items()}

    # Reading -----------------------------------------------------------------------------

    def clean(self, row: int, raw: dict[str, object]) -> None:
        record: dict = {"row": row, "pk": None}
        if self.read_cells(row, raw, record) or not self.check(record):
            return
        first = self._seen_keys.setdefault(self.key(record), row)
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

    def resolve(self) -> None:
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
        for name in self.update_fields:
            if name not in record:  # a derived field (updated_at, validity) set elsewhere
                continue
            value = record[name]
            if value is None and name in self.keep_when_blank:
                continue
            setattr(instance, f"{name}_id" if name == "township" else name, value)

    def after_batch(self, created: list[dict], updated: list[dict], outcome: Outcome) -> None:
        """Work that follows a batch: employment, the subjects whose dossier changes."""

    def _create(self, new: list[dict]) -> None:
        instances = [self.build(record) for record in new]
        self.model.objects.bulk_create(instances, batch_size=BATCH_SIZE)
        for record, instance in zip(new, instances, strict=True):
            record["pk"] = instance.pk

    def _update(self, old: list[dict]) -> None:
        stored = self.model.objects.in_bulk([record["pk"] for record in old])
        if len(stored) != len(old):
            raise RegistersChanged
        now = timezone.now()
        for record in old:
            instance = stored[record["pk"]]
            self.apply(instance, record)
            if hasattr(instance, "updated_at"):
                instance.updated_at = now
        bulk_update_with_history(
            [stored[record["pk"]] for record in old],
            self.model,
            list(self.update_fields),
            batch_size=BATCH_SIZE,
            default_user=self.actor,
            default_change_reason=self.reason,
        )

    def write(self, *, actor, reason: str, progress) -> Outcome:
        """Create and update every record; run inside the import's transaction."""
        self.actor, self.reason = actor, reason
        outcome = Outcome()

        def write_batch(batch: list[dict]) -> None:
            new = [record for record in batch if record["pk"] is None]
            old = [record for record in batch if record["pk"] is not None]
            self._create(new)
            if old:
                self._update(old)
            outcome.created += len(new)
            outcome.updated += len(old)
            self.after_batch(new, old, outcome)

        write_in_batches(self.records, write_batch, progress=progress)
        # Written in bulk, without signals: the public pages showing registers start afresh.
        page_cache.bump(page_cache.CREDIT_LOOKUP, page_cache.VERIFICATION)
        return outcome
