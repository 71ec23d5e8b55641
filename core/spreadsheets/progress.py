"""All-or-nothing writing with progress that other sessions can watch.

An import checks every row first, then writes them all in one transaction: on any error
the transaction rolls back and nothing is written ("导入已回滚，未写入任何数据"). While it
writes, `Progress` reports the rows done on the import's job row (a model with
`processed_rows`, `message` and `last_progress_at`).
"""

import time

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

PROGRESS_INTERVAL_SECONDS = 0.5
BATCH_SIZE = 1000
# Rows written inside the transaction count for nothing until it commits: the phase says so,
# so that a page showing "1,000 of 5,000" never reads as 1,000 rows already stored.
WRITING_PHASE = "正在写入（全部写完才生效，中途出错将全部撤回）"
ROLLED_BACK = "导入已回滚，未写入任何数据"


class Progress:
    """Writes processed_rows and a phase message where the progress page can see them.

    Inside the write transaction this connection's own updates stay invisible until the
    commit, so on PostgreSQL progress goes through a second, autocommit connection. The
    row is taken with SKIP LOCKED: if this connection ever holds the row's lock, a progress
    update is skipped instead of waiting for a lock that would never be released.
    """

    def __init__(self, job):
        self.model = job.__class__
        self.pk = job.pk
        self.last = 0.0
        self.side = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def report(self, processed: int, phase: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_INTERVAL_SECONDS:
            return
        self.last = now
        message = f"{phase}：已处理{processed}行"
        if self.side is not None:
            table = self.side.ops.quote_name(self.model._meta.db_table)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET processed_rows = %s, message = %s, "  # noqa: S608 - table from the model
                    "last_progress_at = now() "
                    f"WHERE id = (SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                    [processed, message, self.pk],
                )
        elif not connection.in_atomic_block:
            self.model.objects.filter(pk=self.pk).update(
                processed_rows=processed, message=message, last_progress_at=timezone.now()
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def write_in_batches(records: list, write_batch, *, progress=None, size: int = BATCH_SIZE):
    """Call `write_batch` on each run of `size` records, reporting progress after each.
    Run it inside the import's transaction: a failure in any batch undoes every one."""
    for start in range(0, len(records), size):
        batch = records[start : start + size]
        write_batch(batch)
        if progress is not None:
            progress.report(start + len(batch), WRITING_PHASE)
