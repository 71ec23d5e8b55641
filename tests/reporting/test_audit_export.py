"""The audit trail of a period: history rows, the admin log, reveals and logins, the days
asked for only, from the command and from the admin page."""

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from axes.models import AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from core.audit import audited_save
from registry.models import Enterprise, PersonalDataAccess
from tests.factories.registry import EnterpriseFactory

pytestmark = pytest.mark.django_db

URL = "/admin/audit-export/"
TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day: int, hour: int = 10):
    return time_machine.travel(datetime.datetime(2026, 6, day, hour, tzinfo=TZ), tick=False)


@pytest.fixture
def trail(django_user_model):
    """Staff actions on 2026-06-01, 06-02 (two) and 06-03, Beijing time."""
    officer = django_user_model.objects.create_user("officer", is_staff=True)
    with at(1, 23):
        enterprise = EnterpriseFactory(name="舟曲县第一家政服务有限公司")
    with at(2, 0):
        enterprise.phone = "0941-5120001"
        audited_save(enterprise, actor=officer, update_fields=["phone"], reason="电话变更")
        LogEntry.objects.log_actions(
            officer.pk, [enterprise], CHANGE, change_message="修改 电话", single_object=True
        )
    with at(2, 23):
        PersonalDataAccess.objects.create(
            user=officer,
            content_type=ContentType.objects.get_for_model(Enterprise),
            object_id=enterprise.pk,
            subject_label=enterprise.name,
            field="联系电话",
            reason="回访",
            ip_address="198.51.100.7",
        )
        AccessLog.objects.create(username="officer", ip_address="198.51.100.7", user_agent="x")
    with at(3, 0):
        enterprise.phone = "0941-5120002"
        audited_save(enterprise, actor=officer, update_fields=["phone"], reason="再次变更")
    return officer


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_command_exports_the_days_asked_for_only_in_time_order(trail, capsys):
    call_command("export_audit", "--from", "2026-06-02", "--to", "2026-06-02")
    header, *rows = rows_of(capsys.readouterr().out)
    assert header[:4] == ["时间", "来源", "操作人", "操作"]
    assert [(row[1], row[3]) for row in rows] == [
        ("后台操作", "修改"),  # at the same instant: the admin log first
        ("版本记录", "修改"),
        ("个人信息查看", "查看联系电话"),
        ("登录", "登录"),
    ]
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    assert rows[0][0].startswith("2026-06-02 00:00") and rows[-1][0].startswith("2026-06-02 23:00")
    assert rows[0][7] == "修改 电话"
    assert rows[1][2] == "officer" and rows[1][4] == "家政企业" and rows[1][7] == "电话变更"
    assert rows[2][7] == "回访" and rows[2][8] == "198.51.100.7"


def test_the_command_writes_a_workbook(trail, tmp_path):
    target = tmp_path / "audit.xlsx"
    call_command(
        "export_audit", "--from", "2026-06-01", "--to", "2026-06-03", "--format", "xlsx",
        "--output", str(target),
    )  # fmt: skip
    sheet = openpyxl.load_workbook(target).active
    values = list(sheet.values)
    assert values[0][1] == "来源" and len(values) == 1 + 6
    assert values[1][0] == datetime.datetime(2026, 6, 1, 23, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-06-03", "--to", "2026-06-01"], "before"),
        (["--from", "2026-13-01", "--to", "2026-06-01"], "not a date"),
        (["--from", "2026-06-01", "--to", "2026-06-01", "--format", "xlsx"], "--output"),
    ],
)
def test_the_command_refuses_bad_periods(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_audit", *args)


def test_the_admin_page_is_for_superusers_and_holders_of_the_permission(
    trail, client, admin_client
):
    client.force_login(trail)
    assert client.get(URL).status_code == 403
    trail.user_permissions.add(Permission.objects.get(codename="export_audit"))
    page = client.get("/admin/")
    assert URL in page.content.decode()  # the link in the header
    response = client.post(URL, {"start": "2026-06-03", "end": "2026-06-03", "format": "csv"})
    assert response.status_code == 200 and "private, no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row[7] for row in rows_of(text)[1:]] == ["再次变更"]
    response = admin_client.post(
        URL, {"start": "2026-06-01", "end": "2026-06-03", "format": "xlsx"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == 1 + 6


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-06-03", "2026-06-01", "结束日期不能早于开始日期"),
        ("2026-01-01", "2026-06-30", "一次最多导出92天的记录"),
        ("2026-02-30", "2026-06-30", "有效的日期"),
    ],
)
def test_the_admin_page_refuses_bad_periods(admin_client, start, end, message):
    response = admin_client.post(URL, {"start": start, "end": end, "format": "csv"})
    assert response.status_code == 200 and message in response.content.decode()
