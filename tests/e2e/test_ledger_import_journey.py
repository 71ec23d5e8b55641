"""A credit officer brings a paper-era ledger into the registers through the back office:
downloads the import template, uploads a filled copy with a mistake and reads the row errors,
uploads the corrected file, checks the preview (identity numbers masked), confirms, and finds
the workers registered. Written against URLs and visible texts only."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.factories.registry import make_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Xinyong-2025-jz"
PEOPLE = [
    ("卓玛草", make_id_number(datetime.date(1988, 5, 1), sequence=1)),
    ("王桂兰", make_id_number(datetime.date(1979, 9, 30), sequence=2)),
]


def filled(template: bytes, rows: list[dict]) -> bytes:
    """The template with rows written under its header row, by header name."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def worker(name: str, id_number: str) -> dict:
    return {"姓名": name, "身份证号": id_number, "民族": "藏族", "居住乡镇": "城关镇"}


def test_an_officer_uploads_a_ledger_reads_its_errors_and_preview_and_confirms(
    desktop_page, live_server, admin_sign_in, django_user_model, tmp_path
):
    page = desktop_page
    officer = django_user_model.objects.create_user(
        username="xinyong", password=PASSWORD, is_staff=True
    )
    officer.groups.add(Group.objects.get(name="信用管理员"))
    admin_sign_in(page, "xinyong", PASSWORD)

    page.goto(live_server.url + "/admin/registry/ledgerimport/add/")
    with page.expect_download() as download:
        page.get_by_role("link", name="从业人员台账导入模板（.xlsx）").click()
    template = download.value.path().read_bytes()

    def upload(rows: list[dict], name: str) -> None:
        path = tmp_path / name
        path.write_bytes(filled(template, rows))
        page.get_by_label("台账类型").select_option(label="从业人员台账")
        page.get_by_label("Excel文件").set_input_files(path)
        page.get_by_role("button", name="上传并校验").click()

    # A row without a name: the file is refused as a whole, row by row.
    upload([worker(*PEOPLE[0]), worker("", PEOPLE[1][1])], "从业人员（有误）.xlsx")
    content = page.locator("#content")
    expect(content).to_contain_text("有错误，未导入")
    errors = page.locator(".ledger-errors")
    expect(errors).to_contain_text("第3行")
    expect(errors).to_contain_text("必填，不能为空。")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)

    page.get_by_role("link", name="修改后重新上传").click()
    upload([worker(*person) for person in PEOPLE], "从业人员.xlsx")
    expect(content).to_contain_text("预检通过，待确认")
    preview = page.locator(".ledger-preview")
    for name, id_number in PEOPLE:
        expect(preview).to_contain_text(name)
        expect(preview).to_contain_text(id_number[:6] + "********")
        expect(preview).not_to_contain_text(id_number)

    page.get_by_role("button", name="确认导入").click()
    expect(content).to_contain_text("导入完成")

    page.goto(live_server.url + "/admin/registry/worker/")
    for name, _ in PEOPLE:
        expect(page.locator("#result_list")).to_contain_text(name)
    assert page.outside_requests == [] and page.console_errors == []
