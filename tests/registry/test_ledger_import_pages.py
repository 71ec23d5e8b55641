"""The ledger import seen by staff: the admin pages and the command line."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry.models import (
    LedgerImport,
    Worker,
)
from registry.services.ledger.columns import LEDGER_COLUMNS
from tests.registry.ledger_files import (
    fast_xlsx,
    person,
    preview,
    run,
    staff_in,
    upload,
    worker_row,
    xlsx,
)
from zhouqu_jiazheng import roles

Status = LedgerImport.Status
WORKER_HEADERS = [column.header for column in LEDGER_COLUMNS["workers"]]


# --- Admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_upload_preview_confirm(client, django_user_model):
    user = staff_in(django_user_model, client, roles.CREDIT_OFFICER, "officer")
    page = client.get(reverse("admin:registry_ledgerimport_add"))
    assert page.status_code == 200
    assert "上传台账" in page.content.decode()

    data = xlsx(WORKER_HEADERS, [worker_row(index) for index in range(2)])
    response = client.post(
        reverse("admin:registry_ledgerimport_add"),
        {"kind": "workers", "file": upload(data, "从业人员.xlsx")},
    )
    ledger_import = LedgerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:registry_ledgerimport_change", args=[ledger_import.pk]
    )
    html = client.get(response["Location"]).content.decode()
    assert "预检通过，待确认" in html
    assert "确认导入" in html
    assert person(0)[:6] + "********" in html and person(0) not in html
    assert not Worker.objects.exists()

    confirm = reverse("admin:registry_ledgerimport_confirm", args=[ledger_import.pk])
    assert client.get(confirm).status_code == 405
    response = client.post(confirm, follow=True)
    html = response.content.decode()
    assert "导入完成" in html
    assert Worker.objects.count() == 2
    ledger_import.refresh_from_db()
    assert ledger_import.uploaded_by == user
    assert (
        "导入完成" in client.get(reverse("admin:registry_ledgerimport_changelist")).content.decode()
    )


@pytest.mark.django_db
def test_admin_shows_row_errors_and_refusals(staff_client):
    rows = [worker_row(0), ["", person(1), "", "", "", "", "", "", "", ""]]
    response = staff_client.post(
        reverse("admin:registry_ledgerimport_add"),
        {"kind": "workers", "file": upload(xlsx(WORKER_HEADERS, rows))},
        follow=True,
    )
    html = response.content.decode()
    assert "有错误，未导入" in html
    assert "第3行" in html and "姓名" in html and "必填，不能为空。" in html
    assert "确认导入" not in html

    refused = staff_client.post(
        reverse("admin:registry_ledgerimport_add"),
        {"kind": "workers", "file": upload(b"not a workbook", "假的.xlsx")},
    )
    assert refused.status_code == 200
    assert "不是Excel工作簿" in refused.content.decode()


@pytest.mark.django_db
def test_progress_page_refreshes_itself_while_running(staff_client, settings):
    settings.LEDGER_IMPORT_SYNC_ROWS = 1
    data = fast_xlsx(WORKER_HEADERS, [worker_row(index) for index in range(4)])
    staff_client.post(
        reverse("admin:registry_ledgerimport_add"), {"kind": "workers", "file": upload(data)}
    )  # queued on commit, which never comes inside this test's transaction
    ledger_import = LedgerImport.objects.get()
    LedgerImport.objects.filter(pk=ledger_import.pk).update(processed_rows=2)
    html = staff_client.get(
        reverse("admin:registry_ledgerimport_change", args=[ledger_import.pk])
    ).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress class="ledger-progress" value="50" max="100">' in html
    assert "2 / 4 行" in html


@pytest.mark.django_db
def test_templates_download_as_xlsx_with_chinese_headers(staff_client):
    for kind, columns in LEDGER_COLUMNS.items():
        response = staff_client.get(reverse("admin:registry_ledger_template", args=[kind]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        headers = [cell.value for cell in book.worksheets[0][1]]
        assert headers == [column.header for column in columns]
        assert book.sheetnames[1] == "填写说明"

    # A filled-in template imports.
    response = staff_client.get(reverse("admin:registry_ledger_template", args=["workers"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    book.worksheets[0].append(worker_row(0))
    output = io.BytesIO()
    book.save(output)
    assert run("workers", output.getvalue()).status == Status.DONE


@pytest.mark.django_db
def test_only_users_who_may_add_the_records_may_import(client, django_user_model):
    staff_in(django_user_model, client, roles.LEADER, "leader")
    assert client.get(reverse("admin:registry_ledgerimport_changelist")).status_code == 200
    assert client.get(reverse("admin:registry_ledgerimport_add")).status_code == 403
    template = reverse("admin:registry_ledger_template", args=["workers"])
    assert client.get(template).status_code == 403

    ledger_import = preview("workers", xlsx(WORKER_HEADERS, [worker_row(0)]))
    confirm = reverse("admin:registry_ledgerimport_confirm", args=[ledger_import.pk])
    assert client.post(confirm).status_code == 403
    assert not Worker.objects.exists()

    # The uploader alone confirms their import.
    staff_in(django_user_model, client, roles.CREDIT_OFFICER, "another-officer")
    assert client.post(confirm).status_code == 403
    assert not Worker.objects.exists()


# --- Command line -------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_row_errors_and_exits_non_zero(tmp_path, capsys):
    path = tmp_path / "workers.xlsx"
    path.write_bytes(xlsx(WORKER_HEADERS, [worker_row(0), ["扎西", "123", *[""] * 8]]))
    with pytest.raises(CommandError):
        call_command("import_ledger", "--kind", "workers", str(path))
    assert "第3行「身份证号」：身份证号应为18位，当前为3位。" in capsys.readouterr().err
    assert not Worker.objects.exists()


@pytest.mark.django_db
def test_command_dry_run_then_import(tmp_path, capsys):
    path = tmp_path / "workers.xlsx"
    path.write_bytes(xlsx(WORKER_HEADERS, [worker_row(index) for index in range(3)]))
    call_command("import_ledger", "--kind", "workers", str(path), "--dry-run")
    assert "预检通过" in capsys.readouterr().out
    assert not Worker.objects.exists()
    call_command("import_ledger", "--kind", "workers", str(path))
    assert "导入完成" in capsys.readouterr().out
    assert Worker.objects.count() == 3
