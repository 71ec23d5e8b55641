"""An import that fails while writing is rolled back, and every place that shows its
progress says so: no page or command output shows rows "processed" that were undone.

The ledger import is the one importer with progress (admin detail page, admin list,
command, the daily check for stalled imports). The credit record and dishonesty-list
imports run within one request, show no progress and already say "未写入任何数据"."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from registry.models import LedgerImport, Worker
from registry.services.ledger import ledger_imports_fail_stalled
from tests.registry.test_ledger_import import WORKER_HEADERS, fast_xlsx, run, worker_row

pytestmark = pytest.mark.django_db
Status = LedgerImport.Status


def refuse_inserts(table: str, column: str, value: str) -> None:
    """The database refuses one row, as if someone registered the same record meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION import_test_refuse() RETURNS trigger AS $$
            BEGIN
                IF NEW.{column} = '{value}' THEN
                    RAISE EXCEPTION 'duplicate' USING ERRCODE = 'unique_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER import_test_refuse BEFORE INSERT ON {table}
                FOR EACH ROW EXECUTE FUNCTION import_test_refuse();
            """
        )


def failed_ledger_import(settings) -> LedgerImport:
    """2,500 workers, the last refused by the database after 2,000 were written."""
    settings.LEDGER_IMPORT_SYNC_ROWS = 10_000
    rows = [worker_row(index) for index in range(2500)]
    rows[-1][0] = "数据库拒绝"
    refuse_inserts("registry_worker", "name", "数据库拒绝")
    return run("workers", fast_xlsx(WORKER_HEADERS, rows))


def test_a_failed_ledger_import_reports_a_rollback_not_rows_processed(settings, admin_client):
    imported = failed_ledger_import(settings)
    imported.refresh_from_db()
    assert imported.status == Status.FAILED
    assert not Worker.objects.exists()
    assert imported.processed_rows == 0 and imported.progress_percent == 0
    assert imported.message.startswith("导入已回滚，未写入任何数据")

    page = admin_client.get(
        reverse("admin:registry_ledgerimport_change", args=[imported.pk])
    ).content.decode()
    assert "导入已回滚" in page and "一行也没有写入" in page
    assert "已处理" not in page
    listing = admin_client.get(reverse("admin:registry_ledgerimport_changelist")).content
    assert "已回滚，未写入" in listing.decode()


def test_the_command_says_the_import_was_rolled_back(settings, tmp_path, capsys):
    settings.LEDGER_IMPORT_SYNC_ROWS = 10_000
    rows = [worker_row(index) for index in range(2500)]
    rows[-1][0] = "数据库拒绝"
    refuse_inserts("registry_worker", "name", "数据库拒绝")
    path = tmp_path / "workers.xlsx"
    path.write_bytes(fast_xlsx(WORKER_HEADERS, rows))
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_ledger", "--kind", "workers", str(path))
    out = capsys.readouterr().out
    assert "导入失败" in out and "导入已回滚，未写入任何数据" in out
    assert "已处理" not in out


def test_a_stalled_import_is_marked_rolled_back_with_nothing_processed(admin_client):
    stalled = LedgerImport.objects.create(
        kind=LedgerImport.Kind.WORKERS,
        original_name="从业人员.xlsx",
        status=Status.IMPORTING,
        total_rows=5000,
        processed_rows=3000,
        message="正在写入：已处理3000行",
        last_progress_at=timezone.now() - datetime.timedelta(days=1),
    )
    url = reverse("admin:registry_ledgerimport_change", args=[stalled.pk])
    running = admin_client.get(url).content.decode()
    assert "全部写完才生效" in running  # while it runs, 3000 / 5000 is not "stored"

    assert ledger_imports_fail_stalled() == 1
    stalled.refresh_from_db()
    assert (stalled.status, stalled.processed_rows) == (Status.FAILED, 0)
    assert stalled.message.startswith("导入已回滚")
    page = admin_client.get(url).content.decode()
    assert "导入已回滚" in page and "3000 / 5000" not in page and "已处理3000行" not in page
