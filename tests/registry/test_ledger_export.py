"""Ledger (台账) export: masked personal data, re-importable registers, permissions."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from registry.models import Enterprise, LedgerImport
from registry.services.ledger import (
    ledger_export,
    ledger_import_confirm,
    ledger_import_create,
)
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
    WorkerFactory,
    make_id_number,
)
from zhouqu_jiazheng import roles


def sheet_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def as_dicts(content: bytes) -> list[dict]:
    header, *rows = sheet_rows(content)
    return [dict(zip(header, row, strict=True)) for row in rows]


def xml_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist())


def staff_in(django_user_model, client, role, username):
    user = django_user_model.objects.create_user(username, password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_worker_export_masks_id_numbers_and_phones(django_assert_max_num_queries):
    enterprise = EnterpriseFactory(name="舟曲县城关家政服务有限公司")
    numbers = [
        make_id_number(datetime.date(1980, 1, 1) + datetime.timedelta(days=i), sequence=3)
        for i in range(30)
    ]
    workers = [WorkerFactory(id_number=number, phone="13809410002") for number in numbers]
    EmploymentFactory(worker=workers[0], enterprise=enterprise, position="保洁员")

    with django_assert_max_num_queries(4):
        content = ledger_export(kind="workers")

    rows = {row["姓名"]: row for row in as_dicts(content)}
    first = rows[workers[0].name]
    assert first["身份证号"] == numbers[0][:6] + "********" + numbers[0][-4:]
    assert first["手机号码"] == "138****0002"
    assert first["现工作单位"] == enterprise.name
    assert first["现工作单位统一社会信用代码"] == enterprise.uscc
    assert first["岗位"] == "保洁员"
    assert first["性别"] == "女"
    assert isinstance(first["出生日期"], datetime.datetime)
    assert rows[workers[1].name]["现工作单位"] is None
    everything = xml_text(content)
    assert not any(number in everything for number in numbers)
    assert "13809410002" not in everything


@pytest.mark.django_db
def test_exported_worker_records_show_their_owner_masked():
    number = make_id_number(datetime.date(1990, 2, 3), sequence=7)
    HealthCertificateFactory(worker=WorkerFactory(id_number=number))
    content = ledger_export(kind="health")
    (row,) = as_dicts(content)
    assert row["身份证号"] == number[:6] + "********" + number[-4:]
    assert row["有效状态"] in {"有效", "即将到期", "已过期"}
    assert number not in xml_text(content)


@pytest.mark.django_db
def test_enterprise_export_imports_back_as_updates():
    enterprises = [EnterpriseFactory() for _ in range(3)]
    content = ledger_export(kind="enterprises")
    assert len(as_dicts(content)) == 3

    ledger_import = ledger_import_create(
        actor=None, kind="enterprises", uploaded_file=SimpleUploadedFile("企业.xlsx", content)
    )
    ledger_import = ledger_import_confirm(actor=None, ledger_import=ledger_import, in_process=True)
    assert ledger_import.status == LedgerImport.Status.DONE, ledger_import.errors
    assert (ledger_import.created_count, ledger_import.updated_count) == (0, 3)
    assert "已忽略无法识别的列：证件状态、档案完整度（%）" in ledger_import.message
    assert Enterprise.objects.count() == 3
    assert {e.uscc for e in Enterprise.objects.all()} == {e.uscc for e in enterprises}


@pytest.mark.django_db
def test_a_worker_export_cannot_be_imported_back_as_it_is_masked():
    WorkerFactory()
    content = ledger_export(kind="workers")
    ledger_import = ledger_import_create(
        actor=None, kind="workers", uploaded_file=SimpleUploadedFile("人员.xlsx", content)
    )
    ledger_import = ledger_import_confirm(actor=None, ledger_import=ledger_import, in_process=True)
    assert ledger_import.status == LedgerImport.Status.INVALID
    assert "已脱敏" in ledger_import.errors[0]["message"]


@pytest.mark.django_db
def test_formulas_are_not_exported_as_formulas():
    EnterpriseFactory(name='=HYPERLINK("http://example.com","点我")')
    content = ledger_export(kind="enterprises")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["A2"].data_type != "f"
    assert not str(sheet["A2"].value).startswith("=")


@pytest.mark.django_db
def test_admin_export_links_and_action_respect_permissions(client, django_user_model):
    worker = WorkerFactory(phone="13809410002")
    HealthCertificateFactory(worker=worker)
    staff_in(django_user_model, client, roles.COMPLAINT_OFFICER, "complaints")
    workers_url = reverse("admin:registry_ledger_export", args=["workers"])
    response = client.get(workers_url)
    assert response.status_code == 200
    assert "138****0002" in xml_text(response.content)
    # Health certificates are for the roles that keep the registers.
    assert client.get(reverse("admin:registry_ledger_export", args=["health"])).status_code == 403

    staff_in(django_user_model, client, roles.CREDIT_OFFICER, "officer")
    assert client.get(reverse("admin:registry_ledger_export", args=["health"])).status_code == 200
    response = client.post(
        reverse("admin:registry_worker_changelist"),
        {"action": "export_workers_ledger", "_selected_action": [worker.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    (row,) = as_dicts(response.content)
    assert row["姓名"] == worker.name
    assert re.fullmatch(r"623023\*{8}\d{3}[\dX]", row["身份证号"])


@pytest.mark.django_db
def test_export_command_writes_the_register_and_the_template(tmp_path):
    EnterpriseFactory(name="舟曲县立节家政服务部")
    target = tmp_path / "enterprises.xlsx"
    call_command("export_ledger", "--kind", "enterprises", "-o", str(target))
    assert [row[0] for row in sheet_rows(target.read_bytes())] == [
        "企业名称",
        "舟曲县立节家政服务部",
    ]

    template = tmp_path / "template.xlsx"
    call_command("export_ledger", "--kind", "workers", "--template", "-o", str(template))
    assert sheet_rows(template.read_bytes())[0][:2] == ["姓名", "身份证号"]
