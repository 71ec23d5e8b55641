"""Credit record (信用记录) import: rows checked against the registers, all or nothing,
idempotent with 来源编号, file guards, permission, admin pages and the command."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from credit.models import CreditEvent, EventKind, Severity
from credit.services.events import credit_event_revoke
from credit.services.imports import COLUMNS, credit_events_import
from tests.factories.registry import EnterpriseFactory, WorkerFactory, make_id_number, make_uscc
from zhouqu_jiazheng import roles

HEADERS = [column.header for column in COLUMNS]
USCC = make_uscc(seed=101)
ID_NUMBER = make_id_number(datetime.date(1988, 5, 20), sequence=7)
ENTERPRISE_NAME = "舟曲县安心家政服务有限公司（个体）"
WORKER_NAME = "卓玛草"
TODAY = timezone.localdate()


# --- Helpers ------------------------------------------------------------------------------


def row(**cells) -> list:
    """A row by header; unnamed cells are blank."""
    return [cells.get(header, "") for header in HEADERS]


def enterprise_row(**cells) -> list:
    values = {
        "主体类型": "企业",
        "统一社会信用代码": USCC,
        "主体名称": ENTERPRISE_NAME,
        "记录类型": "行政处罚",
        "严重程度": "严重",
        "发生日期": datetime.date(2025, 3, 1),
        "事由": "虚假宣传",
        "详细情况": "在宣传单上标注未取得的资质。",
        "细分类别": "欺诈",
        "公示期（天）": 730,
        "来源编号": "舟市监罚〔2025〕12号",
    }
    values.update(cells)
    return row(**values)


def worker_row(**cells) -> list:
    values = {
        "主体类型": "从业人员",
        "身份证号": ID_NUMBER,
        "主体名称": WORKER_NAME,
        "记录类型": "服务评价",
        "严重程度": "轻微",
        "发生日期": "2025/4/2",
        "事由": "上门保洁服务评价",
        "数值": 4.5,
        "来源编号": "评价-2025-0001",
    }
    values.update(cells)
    return row(**values)


def clean_rows() -> list[list]:
    return [
        enterprise_row(),
        worker_row(),
        enterprise_row(
            **{
                # The register's full-width brackets typed as ASCII ones: the same name.
                "主体名称": "舟曲县安心家政服务有限公司(个体)",
                "记录类型": "投诉属实",
                "严重程度": "一般",
                "发生日期": "2025-05-06",
                "事由": "服务人员在服务中受伤未及时处置",
                "细分类别": "人身安全",
                "公示期（天）": "",
                "来源编号": "",
            }
        ),
        worker_row(
            **{
                "记录类型": "参加培训",
                "严重程度": "轻微",
                "发生日期": 20250610,
                "事由": "母婴护理培训结业",
                "数值": 16,
                "来源编号": "",
            }
        ),
    ]


def xlsx(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for values in (headers, *rows):
        sheet.append(list(values))
    for column in sheet.iter_cols(min_row=2, max_row=sheet.max_row):
        for cell in column:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def upload(data: bytes, name: str = "信用记录.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def run(data: bytes, actor=None, **options):
    return credit_events_import(actor=actor, uploaded_file=upload(data), **options)


def errors_of(result) -> dict[tuple[int, str], str]:
    return {(error.row, error.column): error.message for error in result.errors}


@pytest.fixture
def subjects(db):
    return {
        "enterprise": EnterpriseFactory(uscc=USCC, name="舟曲县安心家政服务有限公司（个体）"),
        "worker": WorkerFactory(id_number=ID_NUMBER, name=WORKER_NAME),
    }


def staff_in(django_user_model, client, role: str, username: str):
    user = django_user_model.objects.create_user(username, password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


# --- A clean file ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_clean_file_previews_then_imports_every_row(subjects, admin_user):
    data = xlsx(clean_rows())

    previewed = run(data, admin_user, dry_run=True)
    assert previewed.ok and not previewed.written
    assert (previewed.total_rows, previewed.new_count, previewed.existing_count) == (4, 4, 0)
    assert "校验通过：共4行，将新增4条信用记录" in previewed.message
    first = previewed.preview[0]
    assert first["row"] == 2 and first["action"] == "新增"
    assert first["values"][:5] == ["企业", USCC, ENTERPRISE_NAME, "行政处罚", "严重"]
    # The worker's ID number is previewed masked only.
    assert previewed.preview[1]["values"][1] == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    assert not CreditEvent.objects.exists()

    imported = run(data, admin_user)
    assert imported.written, imported.message
    assert imported.message == "导入完成：新增4条信用记录。"
    events = {event.title: event for event in CreditEvent.objects.all()}
    assert len(events) == 4
    assert {event.source for event in events.values()} == {CreditEvent.Source.IMPORT}
    assert {event.recorded_by for event in events.values()} == {admin_user}

    penalty = events["虚假宣传"]
    assert penalty.enterprise == subjects["enterprise"] and penalty.worker is None
    assert (penalty.kind, penalty.severity, penalty.tag) == (
        EventKind.PENALTY,
        Severity.SERIOUS,
        "欺诈",
    )
    assert penalty.description == "在宣传单上标注未取得的资质。"
    assert penalty.disclosure_until == datetime.date(2025, 3, 1) + datetime.timedelta(days=730)
    assert penalty.source_ref == "舟市监罚〔2025〕12号"
    assert penalty.history.get().history_user == admin_user

    review = events["上门保洁服务评价"]
    assert review.worker == subjects["worker"] and review.enterprise is None
    assert (review.kind, review.value, review.occurred_on) == (
        EventKind.SERVICE_REVIEW,
        Decimal("4.50"),
        datetime.date(2025, 4, 2),
    )

    complaint = events["服务人员在服务中受伤未及时处置"]
    assert complaint.tag == "人身安全"
    # A blank 公示期 takes the tier's longest; a blank 来源编号 names the file and the row.
    assert complaint.disclosure_until == datetime.date(2025, 5, 6) + datetime.timedelta(days=365)
    assert complaint.source_ref == f"import:{imported.import_id}:4"

    training = events["母婴护理培训结业"]
    assert (training.kind, training.value, training.occurred_on) == (
        EventKind.TRAINING,
        Decimal("16.00"),
        datetime.date(2025, 6, 10),
    )


# --- Bad rows: nothing is written -------------------------------------------------------------


@pytest.mark.django_db
def test_bad_rows_write_nothing_and_each_error_names_row_and_column(subjects):
    rows = [
        enterprise_row(),
        enterprise_row(**{"统一社会信用代码": make_uscc(seed=102), "来源编号": "a"}),
        enterprise_row(**{"主体名称": "舟曲县放心家政有限公司", "来源编号": "b"}),
        worker_row(**{"发生日期": "2025-02-30", "来源编号": "c"}),
        worker_row(**{"记录类型": "乱收费", "来源编号": "d"}),
        enterprise_row(**{"严重程度": "一般", "公示期（天）": 30, "来源编号": "e"}),
        worker_row(**{"身份证号": make_id_number(datetime.date(1990, 1, 1), 3), "来源编号": "f"}),
        worker_row(**{"数值": "", "来源编号": "g"}),
        worker_row(**{"发生日期": TODAY + datetime.timedelta(days=1), "来源编号": "h"}),
        # A bad date and an unregistered enterprise in one row: both reported at once.
        enterprise_row(
            **{"统一社会信用代码": make_uscc(seed=103), "发生日期": "昨天", "来源编号": "i"}
        ),
        worker_row(**{"统一社会信用代码": USCC, "来源编号": "j"}),
        row(**{"主体类型": "企业", "主体名称": "某公司", "记录类型": "表彰奖励"}),
    ]

    result = run(xlsx(rows))
    assert not result.ok and not result.written
    assert "未导入任何数据" in result.message
    assert [str(error) for error in result.errors if error.row == 3] == [
        "第3行「统一社会信用代码」：该企业未在档案中登记。"
    ]
    errors = errors_of(result)
    assert errors[(4, "主体名称")] == (
        f"与统一社会信用代码对应的企业名称为“{ENTERPRISE_NAME}”，与本行不一致，请核对。"
    )
    assert errors[(5, "发生日期")] == "日期2025年2月30日不存在，请核对。"
    assert errors[(6, "记录类型")].startswith("“乱收费”不是可选的值，请填写：投诉属实、")
    assert errors[(7, "公示期（天）")] == "一般信用记录的公示期应为90至365天。"
    assert errors[(8, "身份证号")] == "该从业人员未在档案中登记。"
    assert errors[(9, "数值")] == "服务评价须填写1–5的分数。"
    assert errors[(10, "发生日期")] == "发生日期不能晚于今天。"
    assert "不是有效日期" in errors[(11, "发生日期")]
    assert errors[(11, "统一社会信用代码")] == "该企业未在档案中登记。"
    assert errors[(12, "统一社会信用代码")] == "主体类型为从业人员时不填统一社会信用代码。"
    assert errors[(13, "统一社会信用代码")] == "主体类型为企业时必填。"
    assert errors[(13, "严重程度")] == "必填，不能为空。"
    assert (2, "统一社会信用代码") not in errors and not any(e.row == 2 for e in result.errors)

    assert not CreditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        (enterprise_row(**{"统一社会信用代码": make_uscc(seed=104)}), "统一社会信用代码"),
        (enterprise_row(**{"主体名称": "别的公司"}), "主体名称"),
        (enterprise_row(**{"发生日期": "2025-13-01"}), "发生日期"),
        (enterprise_row(**{"记录类型": "罚款"}), "记录类型"),
        (enterprise_row(**{"公示期（天）": 2000}), "公示期（天）"),
    ],
    ids=["unknown-uscc", "wrong-name", "bad-date", "unknown-kind", "disclosure-outside-tier"],
)
def test_one_bad_row_among_good_ones_writes_nothing(subjects, bad_row, column):
    rows = [worker_row(), worker_row(**{"来源编号": "评价-2"}), bad_row]
    result = run(xlsx(rows))
    assert [(error.row, error.column) for error in result.errors] == [(4, column)]
    assert not result.written
    assert not CreditEvent.objects.exists()


@pytest.mark.django_db
def test_the_same_record_twice_in_one_file_is_an_error(subjects):
    result = run(xlsx([worker_row(), worker_row(**{"事由": "另一次评价"})]))
    assert [str(error) for error in result.errors] == [
        "第3行「来源编号」：与第2行的来源编号、记录类型和主体都相同，是同一条记录。"
    ]


# --- Re-importing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_reimporting_the_same_file_creates_no_duplicates(subjects, admin_user):
    data = xlsx(clean_rows())
    assert run(data, admin_user).written
    assert CreditEvent.objects.count() == 4

    again = run(data, admin_user, dry_run=True)
    assert (again.new_count, again.existing_count) == (0, 4)
    assert {row["action"] for row in again.preview} == {"已导入过，跳过"}
    again = run(data, admin_user)
    assert again.written
    assert again.message == "导入完成：新增0条信用记录，4条已导入过，不会重复记录。"
    assert CreditEvent.objects.count() == 4

    # A file with the same 来源编号 and a new row: only the new row is recorded.
    extended = xlsx([enterprise_row(), worker_row(), worker_row(**{"来源编号": "评价-2"})])
    result = run(extended, admin_user)
    assert (result.new_count, result.existing_count) == (1, 2)
    assert CreditEvent.objects.count() == 5


@pytest.mark.django_db
def test_a_revoked_record_is_not_brought_back_by_importing_again(subjects, admin_user):
    data = xlsx([enterprise_row()])
    run(data, admin_user)
    event = CreditEvent.objects.get()
    credit_event_revoke(actor=admin_user, event=event, reason="录入错误")

    result = run(data, admin_user)
    assert (result.new_count, result.existing_count) == (0, 1)
    event.refresh_from_db()
    assert event.status == CreditEvent.Status.REVOKED


@pytest.mark.django_db
def test_a_source_ref_reused_for_another_fact_is_an_error(subjects, admin_user):
    run(xlsx([enterprise_row()]), admin_user)
    result = run(xlsx([enterprise_row(**{"事由": "超范围经营"})]), admin_user)
    assert [(error.row, error.column) for error in result.errors] == [(2, "来源编号")]
    assert "已用于2025-03-01的“虚假宣传”" in result.errors[0].message
    assert CreditEvent.objects.count() == 1


# --- Files that are refused -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: b"%PDF-1.7\n" + b"0" * 2000, "不是Excel工作簿"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "不是Excel工作簿"),
        (lambda: xlsx([enterprise_row()], headers=["名称", "代码"]), "没有找到表头"),
        (lambda: xlsx([enterprise_row()], headers=HEADERS[:4]), "表头缺少必填列：记录类型"),
        (lambda: xlsx([]), "表头下面没有数据行"),
    ],
    ids=["pdf-renamed", "xls-renamed", "no-header", "missing-columns", "empty"],
)
def test_files_that_cannot_be_imported_are_refused(subjects, make, expected):
    with pytest.raises(ValidationError) as refused:
        run(make())
    assert expected in refused.value.messages[0]


@pytest.mark.django_db
def test_oversized_file_is_refused(subjects, settings):
    settings.LEDGER_IMPORT_MAX_BYTES = 4096
    data = xlsx([worker_row(**{"来源编号": f"评价-{index}"}) for index in range(300)])
    assert len(data) > 4096
    with pytest.raises(ValidationError) as refused:
        run(data)
    assert "超过上限" in refused.value.messages[0]


@pytest.mark.django_db
def test_more_rows_than_the_synchronous_limit_are_refused(subjects, settings):
    settings.LEDGER_IMPORT_SYNC_ROWS = 3
    data = xlsx([worker_row(**{"来源编号": f"评价-{index}"}) for index in range(4)])
    with pytest.raises(ValidationError) as refused:
        run(data)
    assert "信用记录每次最多导入3行" in refused.value.messages[0]
    assert "拆分" in refused.value.messages[0]


# --- Permission -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_users_who_may_add_credit_records_may_import(subjects, client, django_user_model):
    leader = staff_in(django_user_model, client, roles.LEADER, "leader")
    with pytest.raises(PermissionDenied):
        run(xlsx([enterprise_row()]), leader)

    changelist = client.get(reverse("admin:credit_creditevent_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:credit_creditevent_import") not in changelist.content.decode()
    page = reverse("admin:credit_creditevent_import")
    assert client.get(page).status_code == 403
    assert client.post(page, {"file": upload(xlsx([enterprise_row()]))}).status_code == 403
    assert client.get(reverse("admin:credit_creditevent_import_template")).status_code == 403
    assert not CreditEvent.objects.exists()

    client.logout()
    assert client.get(page).status_code == 302  # to the admin login


# --- Admin pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_upload_preview_and_confirm(subjects, client, django_user_model):
    officer = staff_in(django_user_model, client, roles.CREDIT_OFFICER, "officer")
    page = reverse("admin:credit_creditevent_import")
    changelist = client.get(reverse("admin:credit_creditevent_changelist")).content.decode()
    assert f'href="{page}"' in changelist and "导入信用记录" in changelist
    assert "下载信用记录导入模板" in client.get(page).content.decode()

    data = xlsx(clean_rows())
    response = client.post(page, {"file": upload(data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "校验通过：共4行，将新增4条信用记录" in html
    assert "确认导入" in html and "虚假宣传" in html
    assert ID_NUMBER not in html and ID_NUMBER[:6] + "********" in html
    import_id = response.context["result"].import_id
    assert f'value="{import_id}"' in html
    assert not CreditEvent.objects.exists()

    # Confirming with another file only previews that file.
    other = xlsx([worker_row()])
    response = client.post(page, {"file": upload(other), "import_id": import_id})
    assert "所选文件与预览时的文件不一致" in response.content.decode()
    assert not CreditEvent.objects.exists()

    response = client.post(page, {"file": upload(data), "import_id": import_id}, follow=True)
    assert response.redirect_chain[-1][0] == (
        reverse("admin:credit_creditevent_changelist") + "?source__exact=import"
    )
    assert "导入完成：新增4条信用记录。" in response.content.decode()
    assert CreditEvent.objects.filter(recorded_by=officer).count() == 4


@pytest.mark.django_db
def test_admin_shows_row_errors_and_refusals(subjects, staff_client):
    page = reverse("admin:credit_creditevent_import")
    bad = xlsx([enterprise_row(), enterprise_row(**{"统一社会信用代码": make_uscc(seed=105)})])
    html = staff_client.post(page, {"file": upload(bad)}).content.decode()
    assert "错误明细（未导入任何数据）" in html
    assert "<td>第3行</td><td>统一社会信用代码</td><td>该企业未在档案中登记。</td>" in html
    assert "确认导入" not in html and "上传并预览" in html

    refused = staff_client.post(page, {"file": upload(b"not a workbook", "记录.xls")})
    assert "不是Excel工作簿" in refused.content.decode()
    assert not CreditEvent.objects.exists()


@pytest.mark.django_db
def test_template_downloads_with_chinese_headers_and_instructions(subjects, staff_client):
    response = staff_client.get(reverse("admin:credit_creditevent_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["信用记录", "填写说明"]
    sheet = book["信用记录"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    guide = "\n".join(
        str(cell.value) for line in book["填写说明"].iter_rows() for cell in line if cell.value
    )
    assert "严重365–1095天" in guide and "投诉属实" in guide

    # The template, filled in, imports.
    for values in clean_rows():
        sheet.append(values)
    filled = io.BytesIO()
    book.save(filled)
    assert run(filled.getvalue()).written
    assert CreditEvent.objects.count() == 4


# --- Command line -------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_row_errors_and_exits_non_zero(subjects, tmp_path, capsys):
    path = tmp_path / "信用记录.xlsx"
    path.write_bytes(
        xlsx([enterprise_row(), enterprise_row(**{"统一社会信用代码": make_uscc(seed=106)})])
    )
    with pytest.raises(CommandError):
        call_command("import_credit_events", str(path))
    assert "第3行「统一社会信用代码」：该企业未在档案中登记。" in capsys.readouterr().err
    assert not CreditEvent.objects.exists()


@pytest.mark.django_db
def test_command_dry_run_then_import(subjects, tmp_path, capsys, admin_user):
    path = tmp_path / "信用记录.xlsx"
    path.write_bytes(xlsx(clean_rows()))
    call_command("import_credit_events", str(path), "--dry-run")
    assert "校验通过" in capsys.readouterr().out
    assert not CreditEvent.objects.exists()

    call_command("import_credit_events", str(path), "--user", admin_user.username)
    assert "导入完成" in capsys.readouterr().out
    assert CreditEvent.objects.filter(recorded_by=admin_user).count() == 4

    with pytest.raises(CommandError, match="不是Excel工作簿"):
        (tmp_path / "记录.xlsx").write_bytes(b"plain text")
        call_command("import_credit_events", str(tmp_path / "记录.xlsx"))
