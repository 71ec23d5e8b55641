import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from incentives.models import DishonestyEntry, DishonestyListImport, Resident
from incentives.services import (
    dishonesty_entry_remove,
    dishonesty_list_import,
    eligibility,
    resident_register,
)
from incentives.services.dishonesty import dishonesty_template
from tests.factories.incentives import ResidentFactory, default_catalogue
from tests.factories.registry import make_id_number, township

from .conftest import TODAY

pytestmark = pytest.mark.django_db

COURT = "舟曲县人民法院失信被执行人名单"
HEADER = ["姓名", "身份证号", "案号", "执行法院", "列入日期"]


def workbook(rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = BytesIO()
    book.save(output)
    return SimpleUploadedFile("失信名单.xlsx", output.getvalue())


def run(file, **kwargs):
    kwargs.setdefault("source", COURT)
    kwargs.setdefault("list_date", datetime.date(2025, 11, 18))
    return dishonesty_list_import(actor=None, uploaded_file=file, **kwargs)


@pytest.fixture
def people():
    numbers = [make_id_number(datetime.date(1970 + i, 3, 3), sequence=i) for i in range(3)]
    residents = [
        ResidentFactory(id_number=numbers[0], name="王建国", credit_checked_on=None),
        ResidentFactory(id_number=numbers[1], name="李秀兰", credit_checked_on=None),
    ]
    return numbers, residents


def test_listed_residents_become_dishonest_and_everyone_is_checked(people):
    numbers, (listed, clean) = people
    outsider = make_id_number(datetime.date(1980, 1, 1), sequence=77)
    file = workbook(
        [
            ["王建国", numbers[0], "（2025）甘3023执123号", "舟曲县人民法院", "2025-06-01"],
            [
                "张三",
                outsider,
                "（2025）甘3023执200号",
                "舟曲县人民法院",
                datetime.date(2025, 7, 1),
            ],
        ]
    )
    preview = run(file, dry_run=True)
    assert preview.ok and not preview.written
    assert preview.entry_count == 2 and preview.matched_count == 1
    assert preview.preview[0]["values"][1] == numbers[0][:6] + "********" + numbers[0][-4:]
    assert not DishonestyEntry.objects.exists()

    result = run(file, previewed_import_id=preview.import_id)

    assert result.written and result.matched_count == 1
    listed.refresh_from_db()
    clean.refresh_from_db()
    assert listed.credit_status == "dishonest"
    assert listed.credit_note == f"列入{COURT}，案号（2025）甘3023执123号"
    assert clean.credit_status == "good"
    assert listed.credit_checked_on == clean.credit_checked_on == TODAY
    assert listed.history.first().history_change_reason.startswith("失信名单导入#")
    entry = DishonestyEntry.objects.get(name="张三")
    assert outsider not in entry.id_number_masked
    assert DishonestyListImport.objects.get().entry_count == 2


def test_a_listed_resident_gets_no_resident_benefit(people):
    default_catalogue()
    numbers, (listed, _) = people
    run(workbook([["王建国", numbers[0], "", "", ""]]))
    listed.refresh_from_db()
    result = eligibility(subject=listed)
    assert result.applicable == []
    assert result.discount_percent == 0


def test_one_bad_row_and_nothing_is_written(people):
    numbers, (listed, _) = people
    bad_checksum = numbers[2][:17] + ("0" if numbers[2][17] != "0" else "1")
    result = run(
        workbook(
            [
                ["王建国", numbers[0], "", "", ""],
                ["", numbers[1], "", "", ""],
                ["赵六", bad_checksum, "", "", ""],
                ["钱七", numbers[2][:6] + "********" + numbers[2][-4:], "", "", ""],
                ["孙八", numbers[2], "", "", "2026-01-01"],
            ]
        )
    )
    assert not result.ok and not result.written
    assert [str(e) for e in result.errors] == [
        "第3行「姓名」：必填，不能为空。",
        "第4行「身份证号」：身份证号校验位不正确，请核对最后一位。",
        "第5行「身份证号」：身份证号已脱敏（含*号）：导出的台账不能直接用于导入，请填写完整的身份证号。",
        "第6行「列入日期」：列入日期不能晚于今天。",
    ]
    assert result.message.startswith("发现4处错误，未导入任何数据")
    assert not DishonestyEntry.objects.exists()
    assert not DishonestyListImport.objects.exists()
    listed.refresh_from_db()
    assert listed.credit_status == "good"


def test_a_new_list_replaces_the_previous_one_of_the_same_source(people):
    numbers, (first, second) = people
    run(workbook([["王建国", numbers[0], "", "", ""]]))
    run(workbook([["李秀兰", numbers[1], "", "", ""]]), list_date=datetime.date(2025, 11, 19))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.credit_status, second.credit_status) == ("good", "dishonest")
    old = DishonestyEntry.objects.get(name="王建国")
    assert not old.is_active and "新名单替换" in old.removal_reason
    # Another source does not replace the court's list.
    run(workbook([["王建国", numbers[0], "", "", ""]]), source="其他部门失信名单")
    second.refresh_from_db()
    assert second.credit_status == "dishonest"


def test_court_headers_are_recognised(people):
    numbers, (listed, _) = people
    result = run(
        workbook(
            [["王建国", numbers[0], "（2025）甘3023执1号", "2025年6月1日"]],
            header=["被执行人姓名/名称", "证件号码", "执行案号", "发布时间"],
        )
    )
    assert result.written
    entry = DishonestyEntry.objects.get()
    assert (entry.case_number, entry.listed_on) == (
        "（2025）甘3023执1号",
        datetime.date(2025, 6, 1),
    )


def test_the_file_itself_is_refused_with_a_message(people):
    with pytest.raises(ValidationError, match="表头缺少必填列：身份证号"):
        run(workbook([["王建国"]], header=["姓名"]))
    with pytest.raises(ValidationError, match="不是Excel工作簿"):
        run(SimpleUploadedFile("名单.xlsx", b"name,id\n"))
    with pytest.raises(ValidationError, match="没有名单数据"):
        run(workbook([]))


def test_a_changed_file_is_checked_again_not_written(people):
    numbers, _ = people
    preview = run(workbook([["王建国", numbers[0], "", "", ""]]), dry_run=True)
    result = run(
        workbook([["李秀兰", numbers[1], "", "", ""]]), previewed_import_id=preview.import_id
    )
    assert result.changed_file and not result.written
    assert not DishonestyEntry.objects.exists()


def test_removing_an_entry_restores_good_credit(people):
    numbers, (listed, _) = people
    run(workbook([["王建国", numbers[0], "", "", ""]]))
    entry = DishonestyEntry.objects.get()
    dishonesty_entry_remove(actor=None, entry=entry, reason="法院通知已履行完毕")
    listed.refresh_from_db()
    assert listed.credit_status == "good"


def test_a_resident_registered_later_is_checked_against_the_list(people):
    numbers, _ = people
    run(workbook([["张三", numbers[2], "", "", ""]]))
    resident = resident_register(
        actor=None,
        resident=Resident(name="张三", township=township()),
        id_number=numbers[2],
        mobile="13909419999",
    )
    assert resident.credit_status == "dishonest"
    assert resident.credit_checked_on == TODAY


def test_the_import_needs_the_permission(people, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        dishonesty_list_import(
            actor=clerk,
            uploaded_file=workbook([]),
            source=COURT,
            list_date=datetime.date(2025, 11, 18),
        )


def test_the_template_round_trips(people):
    template = SimpleUploadedFile("模板.xlsx", dishonesty_template())
    with pytest.raises(ValidationError, match="没有名单数据"):
        run(template)
