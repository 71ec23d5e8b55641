from celery import shared_task

from .models import LedgerImport
from .services import records_refresh
from .services.ledger import LedgerImportStateError, ledger_import_run, ledger_import_validate


@shared_task(name="registry.tasks.refresh_records", soft_time_limit=50 * 60, time_limit=55 * 60)
def refresh_records() -> dict:
    """Daily: document validity, dossier completeness, stale flags, expiry notices.

    Idempotent (a second run the same day changes and sends nothing), so a redelivery after
    a worker dies is harmless.
    """
    report = records_refresh()
    return {
        "documents_changed": report.documents_changed,
        "enterprises_updated": report.enterprises_updated,
        "workers_updated": report.workers_updated,
        "notices_sent": report.notices_sent,
    }


# A 200,000-row ledger validates and writes in about two minutes; the limits leave room for
# slower hosts and stay well below the broker's one-hour visibility timeout.
@shared_task(
    name="registry.tasks.validate_ledger_import", soft_time_limit=20 * 60, time_limit=25 * 60
)
def validate_ledger_import(ledger_import_id: int) -> str:
    """Check an uploaded ledger (dry run) on the bulk queue; a rerun of a checked one is a no-op."""
    ledger_import = LedgerImport.objects.filter(pk=ledger_import_id).first()
    if ledger_import is None or ledger_import.status != LedgerImport.Status.PENDING:
        return "skipped"
    try:
        return ledger_import_validate(ledger_import=ledger_import).status
    except LedgerImportStateError:
        return "skipped"


@shared_task(name="registry.tasks.run_ledger_import", soft_time_limit=20 * 60, time_limit=25 * 60)
def run_ledger_import(ledger_import_id: int) -> str:
    """Write a confirmed ledger on the bulk queue, all or nothing.

    Idempotent: only an import still in status "importing" runs (its transaction either
    committed, and the status is "done", or rolled back); a finished one is left alone.
    """
    ledger_import = LedgerImport.objects.filter(pk=ledger_import_id).first()
    if ledger_import is None:
        return "missing"
    return ledger_import_run(ledger_import=ledger_import).status
