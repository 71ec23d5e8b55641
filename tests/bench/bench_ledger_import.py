"""Ledger import at county-and-beyond scale: 100,000 worker rows, a third of them with a
current employer, imported end to end through the service (stored file → read → validate
→ write → dossier recompute), against a baseline measured in the same run.

Baseline: the same 100,000 Worker objects built from already-parsed rows, *including* the
protected-field work (Fernet encryption, keyed hash, mask, via worker_identity_apply), then
`bulk_create(batch_size=1000)` in one transaction. The baseline creates no employment and
recomputes no dossier; the import does both. Every figure is the median of three runs
(the import runs into a database emptied of workers each time). Set BENCH_LEDGER_ROWS (default
100,000 × BENCH_SCALE) to change the size.
"""

import datetime
import io
import statistics
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from stdnum.cn import ric

from core import personal_data
from core.validators import IdentityNumber
from registry.models import Employment, LedgerImport, Township, Worker
from registry.services import worker_identity_apply
from registry.services.ledger import (
    ledger_import_confirm,
    ledger_import_create,
    ledger_import_validate,
)
from tests.bench.server import RUNS, scaled
from tests.factories.registry import EnterpriseFactory

ROWS = scaled("BENCH_LEDGER_ROWS", 100_000, least=500)
HEADERS = ["姓名", "身份证号", "民族", "手机号码", "居住乡镇", "现住址", "文化程度"]
HEADERS += ["现工作单位统一社会信用代码", "岗位", "入职日期"]


def identity(index: int) -> IdentityNumber:
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=index % 15_000)
    body = f"623023{birth:%Y%m%d}{index // 15_000:03d}"
    number = body + ric.calc_check_digit(body + "0")
    gender = "M" if int(number[16]) % 2 else "F"
    return IdentityNumber(number=number, birth_date=birth, gender=gender)


def parsed_rows(count: int, employers: list[str]) -> list[tuple]:
    rows = []
    for index in range(count):
        employer = employers[index % len(employers)] if index % 3 == 0 else None
        rows.append(
            (
                f"卓玛{index}",
                identity(index),
                "藏族" if index % 2 else "汉族",
                f"138{index:08d}",
                "城关镇",
                f"城关镇滨江路{index % 200}号",
                "初中",
                employer,
                "家政服务员" if employer else None,
                datetime.date(2024, 3, 1) if employer else None,
            )
        )
    return rows


def workbook(rows: list[tuple]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("从业人员台账")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[0], row[1].number, *row[2:]])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def baseline(rows: list[tuple], township_id: int) -> tuple[float, float]:
    """Build the Worker objects from parsed rows and bulk_create them, rolled back.

    Returns (build + bulk_create, bulk_create alone) in seconds."""
    started = time.perf_counter()
    with transaction.atomic():
        workers = [
            worker_identity_apply(
                Worker(
                    name=name,
                    ethnicity=ethnicity,
                    township_id=township_id,
                    address=address,
                    education="junior",
                    **personal_data.phone_protect(phone, "phone"),
                ),
                person,
            )
            for name, person, ethnicity, phone, _, address, *_ in rows
        ]
        built = time.perf_counter()
        Worker.objects.bulk_create(workers, batch_size=1000)
        finished = time.perf_counter()
        transaction.set_rollback(True)
    return finished - started, finished - built


def import_once(data: bytes) -> float:
    """One import of the whole file into a database without workers, in seconds; the
    workers stay for the checks after the last run and are removed before the next one."""
    Employment.objects.all().delete()
    Worker.objects.all().delete()
    started = time.perf_counter()
    ledger_import = ledger_import_create(
        actor=None, kind="workers", uploaded_file=SimpleUploadedFile("workers.xlsx", data)
    )
    # Above LEDGER_IMPORT_SYNC_ROWS: the Celery task on the bulk queue (eager under make bench).
    ledger_import_confirm(actor=None, ledger_import=ledger_import)
    seconds = time.perf_counter() - started
    ledger_import.refresh_from_db()
    assert ledger_import.status == LedgerImport.Status.DONE, ledger_import.message
    return seconds


def dry_run(data: bytes) -> float:
    """The validation of the file alone, in seconds."""
    dry = ledger_import_create(
        actor=None, kind="workers", uploaded_file=SimpleUploadedFile("workers.xlsx", data)
    )
    started = time.perf_counter()
    ledger_import_validate(ledger_import=dry)
    seconds = time.perf_counter() - started
    assert dry.status == LedgerImport.Status.PREVIEWED, dry.message
    return seconds


@pytest.mark.django_db(transaction=True)
def test_ledger_import_of_100k_workers_against_bulk_create(bench):
    # Transactional: an empty database (see tests/registry/test_ledger_import.py).
    Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    employers = [EnterpriseFactory().uscc for _ in range(50)]
    rows = parsed_rows(ROWS, employers)
    data = workbook(rows)
    township_id = Township.objects.get(name="城关镇").pk
    bench.record("rows", ROWS)
    bench.record("file_mb", len(data) / 1024 / 1024, "MB")

    runs = [baseline(rows, township_id) for _ in range(RUNS)]
    baseline_s = statistics.median(run[0] for run in runs)
    bulk_create_s = statistics.median(run[1] for run in runs)
    assert not Worker.objects.exists()

    imports = [import_once(data) for _ in range(RUNS)]
    import_s = statistics.median(imports)
    assert Worker.objects.count() == ROWS
    assert Employment.objects.count() == len([row for row in rows if row[7]])

    bench.record("import_end_to_end_s", import_s, "s")
    bench.record("import_rows_per_s", ROWS / import_s, "rows/s")
    bench.record("baseline_build_and_bulk_create_s", baseline_s, "s")
    bench.record("baseline_rows_per_s", ROWS / baseline_s, "rows/s")
    bench.record("import_ratio_to_bulk_create", import_s / baseline_s, "x")
    # For reference: the INSERTs alone, without building the objects and their protected fields.
    bench.record("baseline_bulk_create_only_s", bulk_create_s, "s")
    bench.record("import_ratio_to_bulk_create_only", import_s / bulk_create_s, "x")

    # The dry run alone (what the preview page costs), on the same file, now all updates.
    bench.record("dry_run_s", statistics.median(dry_run(data) for _ in range(RUNS)), "s")

    bench.target("import_ratio_to_bulk_create vs target", import_s / baseline_s, at_most=3)
    # The target is 3,000 rows/s on an idle machine; 2,000 only catches regressions on a
    # shared, busy one (the ratio above is the figure that does not depend on the machine).
    bench.target("import_rows_per_s vs floor", ROWS / import_s, at_least=2000, unit="rows/s")
