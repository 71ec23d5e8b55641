"""A complaint officer (投诉受理员) takes a case from acceptance to closure in the back office,
and the resident's tracking page shows the result. Written against URLs and visible texts
only."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EnterpriseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tousu-2025-jz"


def test_an_officer_accepts_handles_answers_and_closes_a_case_the_resident_reads_it(
    desktop_page, live_server, admin_sign_in, django_user_model
):
    page = desktop_page
    complaint = ComplaintFactory(
        phone="13909416666", enterprise=EnterpriseFactory(name="舟曲县格桑花家政服务有限公司")
    )
    officer = django_user_model.objects.create_user(
        username="tousu", password=PASSWORD, is_staff=True, first_name="王建国"
    )
    officer.groups.add(Group.objects.get(name="投诉受理员"))

    admin_sign_in(page, "tousu", PASSWORD)
    page.goto(live_server.url + "/admin/complaints/complaint/")
    page.get_by_role("link", name=complaint.tracking_number).click()

    def act(link: str, fill=None, *, submit: str) -> None:
        page.get_by_role("link", name=link, exact=True).click()
        if fill:
            fill()
        page.get_by_role("button", name=submit, exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text("已完成")

    act("受理", lambda: page.get_by_label("内部备注（可不填）").fill("材料齐全"), submit="受理")
    expect(page.locator("#content")).to_contain_text("已受理")
    act("开始调解", submit="开始调解")
    act(
        "添加记录",
        lambda: (
            page.get_by_label("内容").fill("已联系企业，企业同意上门返工并退还部分费用。"),
            page.get_by_label("公开进展（投诉人和企业可见）").check(),
        ),
        submit="保存",
    )
    act(
        "结束调解",
        lambda: (
            page.get_by_label("调解成功，达成协议").check(),
            page.get_by_label("协议内容或终止原因").fill("企业退还服务费100元。"),
        ),
        submit="结束调解",
    )
    act(
        "办结",
        lambda: (
            page.get_by_label("处理结果").fill("企业已返工并退还服务费100元。"),
            page.get_by_label("不属实").check(),
        ),
        submit="办结",
    )
    expect(page.locator("#content")).to_contain_text("已办结")

    page.context.clear_cookies()
    page.goto(live_server.url + "/complaints/track/")
    page.get_by_label("投诉编号").fill(complaint.tracking_number)
    page.get_by_label("投诉时填写的手机号码").fill("13909416666")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/complaints/track/?n=*")
    main = page.locator("main")
    expect(main).to_contain_text("当前状态：已办结")
    expect(main).to_contain_text("企业已返工并退还服务费100元。")
    expect(main).to_contain_text("已联系企业，企业同意上门返工并退还部分费用。")
    assert page.outside_requests == [] and page.console_errors == []
