"""Ledger (台账) import: guards, row errors, all or nothing, preview, Celery, admin, command."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from core.personal_data import phone_plain
from core.spreadsheets.errors import error_text
from core.spreadsheets.progress import Progress
from registry.completeness import Scope
from registry.models import (
    Employment,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    LedgerImport,
    Township,
    Validity,
    Worker,
)
from registry.services.ledger import (
    LedgerImportStateError,
    ledger_import_confirm,
    ledger_import_create,
    ledger_import_submit,
)
from registry.services.ledger.columns import LEDGER_COLUMNS
from registry.services.refresh import enterprises_refresh, workers_refresh
from registry.tasks import run_ledger_import, validate_ledger_import
from tests.factories.registry import (
    BackgroundCheckFactory,
    EnterpriseFactory,
    WorkerFactory,
    make_uscc,
)
from tests.registry.ledger_files import (
    fast_xlsx,
    person,
    plain_ids_in,
    preview,
    run,
    upload,
    worker_row,
    xlsx,
)

Status = LedgerImport.Status
WORKER_HEADERS = [column.header for column in LEDGER_COLUMNS["workers"]]


@pytest.fixture(scope="module")
def ten_thousand():
    """A 10,000-row worker file (a third with a current employer) and one with a bad row."""
    employer = make_uscc(seed=8)
    rows = [worker_row(index, employer if index % 3 == 0 else None) for index in range(10_000)]
    bad = [list(row) for row in rows]
    bad[6789][1] = bad[6789][1][:-1] + ("0" if bad[6789][1][-1] != "0" else "1")
    return {
        "employer": employer,
        "rows": rows,
        "clean": fast_xlsx(WORKER_HEADERS, rows),
        "bad": fast_xlsx(WORKER_HEADERS, bad),
    }


# --- 10,000 rows: all or nothing ------------------------------------------------------------


@pytest.mark.django_db
def test_one_bad_row_in_10000_writes_nothing_and_names_row_and_column(ten_thousand):
    EnterpriseFactory(uscc=ten_thousand["employer"])

    checked = preview("workers", ten_thousand["bad"])
    assert checked.status == Status.INVALID
    assert checked.total_rows == 10_000
    assert [error_text(error) for error in checked.errors] == [
        "第6791行「身份证号」：身份证号校验位不正确，请核对最后一位。"
    ]
    assert "未导入任何数据" in checked.message

    imported = run("workers", ten_thousand["bad"])
    assert imported.status == Status.INVALID
    assert imported.errors == checked.errors
    assert not Worker.objects.exists()
    assert not Employment.objects.exists()
    with pytest.raises(LedgerImportStateError):
        ledger_import_confirm(actor=None, ledger_import=imported)


@pytest.mark.django_db
def test_clean_10000_rows_import_completely_without_plain_id_numbers(ten_thousand):
    enterprise = EnterpriseFactory(uscc=ten_thousand["employer"])

    imported = run("workers", ten_thousand["clean"])

    assert imported.status == Status.DONE, imported.message
    assert (imported.created_count, imported.updated_count) == (10_000, 0)
    assert imported.processed_rows == imported.total_rows == 10_000
    assert Worker.objects.count() == 10_000
    assert Employment.objects.filter(enterprise=enterprise, ended_on__isnull=True).count() == 3334
    first = Worker.objects.get(name="卓玛0")
    identity = ten_thousand["rows"][0][1]
    assert first.id_number_masked == identity[:6] + "********" + identity[-4:]
    assert first.birth_date == datetime.date(1970, 1, 1)
    assert first.gender == "F"

    ids = {row[1] for row in ten_thousand["rows"]}
    with connection.cursor() as cursor:
        for table in ("registry_worker", "registry_historicalworker", "registry_ledgerimport"):
            cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t")
            dump = "\n".join(row[0] for row in cursor.fetchall())
            assert not plain_ids_in(dump, ids), table
    imported.file.open("rb")
    stored = imported.file.read()
    imported.file.close()
    assert not plain_ids_in(stored.decode("ascii"), ids)
    assert b"PK" not in stored[:4]  # the workbook is kept encrypted, not as a zip

    # The derived dossier columns are already right: a full refresh changes nothing.
    today = timezone.localdate()
    assert workers_refresh(Scope(), today=today) == 0
    assert enterprises_refresh(Scope(), today=today) == 0
    enterprise.refresh_from_db()
    assert enterprise.completeness > 0


# --- Guards -------------------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: b"%PDF-1.7\n" + b"0" * 2000, "不是Excel工作簿"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "不是Excel工作簿"),  # .xls
        (lambda: zip_bytes({"word/document.xml": b"<w/>"}), "不是Excel工作簿"),
        (
            lambda: zip_bytes(
                {"xl/workbook.xml": b"<workbook/>", "xl/big.xml": b"\0" * 60_000_000}
            ),
            "压缩炸弹",
        ),
    ],
    ids=["pdf-renamed", "xls-renamed", "docx-like-zip", "zip-bomb"],
)
def test_files_that_are_not_sane_workbooks_are_refused(make, expected):
    with pytest.raises(ValidationError) as refused:
        ledger_import_create(actor=None, kind="workers", uploaded_file=upload(make()))
    assert expected in refused.value.messages[0]
    assert not LedgerImport.objects.exists()


@pytest.mark.django_db
def test_oversized_file_is_refused(settings):
    settings.LEDGER_IMPORT_MAX_BYTES = 4096
    data = fast_xlsx(WORKER_HEADERS, [worker_row(index) for index in range(200)])
    with pytest.raises(ValidationError) as refused:
        ledger_import_create(actor=None, kind="workers", uploaded_file=upload(data))
    assert "超过上限" in refused.value.messages[0]
    assert not LedgerImport.objects.exists()


@pytest.mark.django_db
def test_too_many_rows_are_refused(settings):
    settings.LEDGER_IMPORT_MAX_ROWS = 5
    data = fast_xlsx(WORKER_HEADERS, [worker_row(index) for index in range(8)])
    with pytest.raises(ValidationError) as refused:
        ledger_import_create(actor=None, kind="workers", uploaded_file=upload(data))
    assert "超过单次导入上限5行" in refused.value.messages[0]


@pytest.mark.django_db
def test_a_workbook_with_a_dtd_is_refused():
    data = fast_xlsx(WORKER_HEADERS, [worker_row(0)])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["xl/workbook.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + members["xl/workbook.xml"]
    )
    with pytest.raises(ValidationError) as refused:
        ledger_import_create(actor=None, kind="workers", uploaded_file=upload(zip_bytes(members)))
    assert "DTD" in refused.value.messages[0]


# --- Row validation ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_row_errors_name_the_excel_row_and_the_chinese_column():
    registered = make_uscc(seed=21)
    EnterpriseFactory(uscc=registered)
    rows = [
        worker_row(0, registered),
        worker_row(1, make_uscc(seed=22)),  # employer not registered
        ["", person(2), "", "", "", "", "", "", "", ""],  # name missing
        ["拉姆", int(person(3)[:17] + "1"), "", "", "", "", "", "", "", ""],  # ID typed as a number
        ["拉姆", person(4)[:6] + "********" + person(4)[-4:], "", "", "", "", "", "", "", ""],
        ["拉姆", person(5), "火星族", "12345", "纽约", "", "博士", "", "", ""],
        ["拉姆", person(0), "", "", "", "", "", "", "", ""],  # same person as row 2
        ["拉姆", person(7), "", "", "", "", "", "", "保洁", "2024-13-01"],
    ]
    checked = preview("workers", xlsx(WORKER_HEADERS, rows))
    assert checked.status == Status.INVALID
    errors = {(error["row"], error["column"]): error["message"] for error in checked.errors}
    assert "尚未登记" in errors[(3, "现工作单位统一社会信用代码")]
    assert errors[(4, "姓名")] == "必填，不能为空。"
    assert "存成了数字" in errors[(5, "身份证号")]
    assert "已脱敏" in errors[(6, "身份证号")]
    assert "不是可选的值" in errors[(7, "民族")]
    assert "手机号码应为11位" in errors[(7, "手机号码")]
    assert "不是舟曲县的乡镇" in errors[(7, "居住乡镇")]
    assert "不是可选的值" in errors[(7, "文化程度")]
    assert errors[(8, "身份证号")] == "与第2行的身份证号重复。"
    assert "不存在" in errors[(9, "入职日期")]
    assert not Worker.objects.exists()


@pytest.mark.django_db
def test_dates_are_accepted_as_excel_dates_and_as_text():
    workers = [WorkerFactory(id_number=person(index)) for index in range(5)]
    headers = [column.header for column in LEDGER_COLUMNS["health"]]
    starts = [
        datetime.date(2025, 1, 31),
        "2025-01-31",
        "2025/1/31",
        "2025年1月31日",
        20250131,
    ]
    rows = [
        [worker.name, person(index), f"JKZ{index}", "舟曲县疾控中心", start, "2026/1/30"]
        for index, (worker, start) in enumerate(zip(workers, starts, strict=True))
    ]
    imported = run("health", xlsx(headers, rows))
    assert imported.status == Status.DONE, imported.errors
    assert set(HealthCertificate.objects.values_list("valid_from", flat=True)) == {
        datetime.date(2025, 1, 31)
    }


@pytest.mark.django_db
def test_document_rules_validity_periods_owners_and_names():
    worker = WorkerFactory(id_number=person(1), name="卓玛")
    headers = [column.header for column in LEDGER_COLUMNS["health"]]
    rows = [
        ["卓玛", person(1), "A1", "", "2025-06-01", "2025-06-01"],  # not after valid_from
        ["拉姆", person(1), "A2", "", "2025-07-01", ""],  # wrong name for that ID
        ["", person(2), "A3", "", "2025-07-01", ""],  # nobody registered
        ["卓玛", person(1), "A4", "", "2025-08-01", "2026-07-31"],
        ["卓玛", person(1), "A5", "", "2025/8/1", ""],  # same person, same valid_from
    ]
    checked = preview("health", xlsx(headers, rows))
    errors = {(error["row"], error["column"]): error["message"] for error in checked.errors}
    assert errors[(2, "有效期止")] == "有效期止必须晚于有效期起。"
    assert "不一致" in errors[(3, "姓名")]
    assert "尚未登记" in errors[(4, "身份证号")]
    assert "与第5行重复" in errors[(6, "有效期起")]
    assert len(errors) == 4
    assert not worker.health_certificates.exists()


@pytest.mark.django_db
def test_header_may_sit_below_a_title_row_and_required_columns_must_exist():
    rows = [worker_row(0)]
    titled = xlsx(WORKER_HEADERS, rows, title_rows=[["舟曲县家政从业人员台账"], []])
    assert preview("workers", titled).status == Status.PREVIEWED

    without_id = xlsx([h for h in WORKER_HEADERS if h != "身份证号"], [worker_row(0)[:1]])
    checked = preview("workers", without_id)
    assert checked.status == Status.INVALID
    assert "缺少必填列：身份证号" in checked.errors[0]["message"]
    assert checked.errors[0]["row"] is None


# --- Dry run, preview, re-import ------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_previews_masked_rows_and_writes_nothing():
    checked = preview("workers", xlsx(WORKER_HEADERS, [worker_row(index) for index in range(3)]))
    assert checked.status == Status.PREVIEWED
    assert "将新增3条、更新0条" in checked.message
    first = checked.preview[0]
    assert first["row"] == 2 and first["action"] == "新增"
    assert first["values"][1] == person(0)[:6] + "********" + person(0)[-4:]
    assert first["values"][3] == "138****0000"
    assert not Worker.objects.exists()


@pytest.mark.django_db
def test_reimport_updates_instead_of_duplicating_and_keeps_history(admin_user):
    enterprise = EnterpriseFactory()
    rows = [worker_row(index, enterprise.uscc) for index in range(3)]
    assert run("workers", xlsx(WORKER_HEADERS, rows), admin_user).status == Status.DONE

    rows[0][0] = "卓玛（更名）"
    rows[1][3] = "13909419999"
    rows[2][3] = None  # a blank optional cell keeps the stored phone
    rows[2][8] = "育婴员"  # a new position at the same employer
    again = run("workers", xlsx(WORKER_HEADERS, rows), admin_user)

    assert again.status == Status.DONE, again.errors
    assert (again.created_count, again.updated_count) == (0, 3)
    assert Worker.objects.count() == 3
    assert Employment.objects.count() == 3
    assert Worker.objects.filter(name="卓玛（更名）").exists()
    assert phone_plain(Worker.objects.get(name="卓玛1"), "phone") == "13909419999"
    assert phone_plain(Worker.objects.get(name="卓玛2"), "phone") == "13800000002"
    assert Employment.objects.get(worker__name="卓玛2").position == "育婴员"
    change = Worker.history.filter(history_type="~").latest("history_date")
    assert change.history_user == admin_user
    assert change.history_change_reason == f"台账导入#{again.pk}"


@pytest.mark.django_db
def test_enterprises_and_their_documents_import_and_recompute_dossiers():
    uscc = make_uscc(seed=31)
    headers = [column.header for column in LEDGER_COLUMNS["enterprises"]]
    row = [
        "舟曲县巴藏家政服务部",
        uscc,
        "个体工商户",
        "杨桂英",
        "",
        "巴藏镇",
        "巴藏",
        "0941-5123456",
    ]
    data = xlsx(headers, [row + ["", "", "2021/5/6", "", "保洁"]])
    assert run("enterprises", data).status == Status.DONE
    enterprise = Enterprise.objects.get(uscc=uscc)
    assert enterprise.kind == Enterprise.Kind.SOLE_TRADER
    assert enterprise.township.name == "巴藏镇"
    assert enterprise.document_status == Validity.MISSING

    headers = [column.header for column in LEDGER_COLUMNS["qualifications"]]
    licence = [uscc, "营业执照", "营业执照", uscc, "舟曲县市场监督管理局", "2021-05-06", ""]
    imported = run("qualifications", xlsx(headers, [licence]))
    assert imported.status == Status.DONE, imported.errors
    enterprise.refresh_from_db()
    assert enterprise.document_status == Validity.VALID
    assert EnterpriseQualification.objects.get().validity == Validity.VALID
    again = run("qualifications", xlsx(headers, [licence]))
    assert (again.created_count, again.updated_count) == (0, 1)

    worker = WorkerFactory(id_number=person(9))
    BackgroundCheckFactory(worker=worker)
    headers = [column.header for column in LEDGER_COLUMNS["health"]]
    certificate = [worker.name, person(9), "JKZ1", "舟曲县疾控中心", "2025-01-01", "2099-12-31"]
    assert run("health", xlsx(headers, [certificate])).status == Status.DONE
    worker.refresh_from_db()
    assert worker.document_status == Validity.VALID


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_everything_back():
    """The last of 2,500 rows is refused by the database (as if someone registered the same
    person meanwhile): the 2,000 rows already written in earlier batches go too."""
    rows = [worker_row(index) for index in range(2500)]
    rows[-1][0] = "数据库拒绝"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION ledger_test_refuse() RETURNS trigger AS $$
            BEGIN
                IF NEW.name = '数据库拒绝' THEN
                    RAISE EXCEPTION 'duplicate' USING ERRCODE = 'unique_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER ledger_test_refuse BEFORE INSERT ON registry_worker
                FOR EACH ROW EXECUTE FUNCTION ledger_test_refuse();
            """
        )
    imported = run("workers", fast_xlsx(WORKER_HEADERS, rows))
    assert imported.status == Status.FAILED
    assert "未写入任何数据" in imported.message and "发生了变化" in imported.message
    assert not Worker.objects.exists()


# --- Celery, progress, idempotence ---------------------------------------------------------


@pytest.mark.django_db
def test_large_import_goes_through_celery_and_ends_done_with_full_progress(
    settings, admin_user, django_capture_on_commit_callbacks
):
    settings.LEDGER_IMPORT_SYNC_ROWS = 10
    data = fast_xlsx(WORKER_HEADERS, [worker_row(index) for index in range(30)])
    with django_capture_on_commit_callbacks(execute=True) as validation:
        ledger_import = ledger_import_submit(
            actor=admin_user, kind="workers", uploaded_file=upload(data)
        )
        assert ledger_import.status == Status.PENDING  # nothing checked in the request
    assert len(validation) == 1
    ledger_import.refresh_from_db()
    assert ledger_import.status == Status.PREVIEWED

    with django_capture_on_commit_callbacks(execute=True) as writing:
        ledger_import_confirm(actor=admin_user, ledger_import=ledger_import)
        assert not Worker.objects.exists()  # queued, not run in the request
    # One task queued; the write then renews the public pages' fragments (core.page_cache).
    assert len([c for c in writing if c.__module__ != "core.page_cache"]) == 1
    ledger_import.refresh_from_db()
    assert ledger_import.status == Status.DONE
    assert ledger_import.processed_rows == ledger_import.total_rows == 30
    assert ledger_import.progress_percent == 100

    # Redelivered tasks change nothing.
    assert run_ledger_import(ledger_import.pk) == Status.DONE
    assert validate_ledger_import(ledger_import.pk) == "skipped"
    assert Worker.objects.count() == 30
    assert run_ledger_import(987654) == "missing"


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_sessions_during_the_write_transaction():
    # Transactional tests start from an empty database (no serialized rollback: restoring
    # it would collide with the role groups every flush recreates): add the one township.
    Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    ledger_import = ledger_import_create(
        actor=None,
        kind="workers",
        uploaded_file=upload(fast_xlsx(WORKER_HEADERS, [worker_row(0)])),
    )
    observer = connections.create_connection("default")
    try:
        from django.db import transaction

        progress = Progress(ledger_import)
        with transaction.atomic():
            progress.report(1234, "正在写入", force=True)
            with observer.cursor() as cursor:
                cursor.execute(
                    "SELECT processed_rows, message FROM registry_ledgerimport WHERE id = %s",
                    [ledger_import.pk],
                )
                assert cursor.fetchone() == (1234, "正在写入：已处理1234行")
        progress.close()
    finally:
        observer.close()
