"""An enterprise's manager uses the portal in a browser: signs in with the form, sees the home
cards, proposes a change of the enterprise's details (held for the bureau's review), reads the
workers list and signs out. Written against URLs and visible texts only."""

import pytest
from playwright.sync_api import expect

from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory, township
from tests.portal_fixtures import PASSWORD, portal_account

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_signs_in_proposes_a_change_reads_the_workers_and_signs_out(
    desktop_page, live_server
):
    page = desktop_page
    place = township()
    enterprise = EnterpriseFactory(name="舟曲县雪域家政服务有限公司", township=place)
    EmploymentFactory(enterprise=enterprise, worker=WorkerFactory(name="卓玛草"), position="保洁员")
    account = portal_account(enterprise)

    page.goto(live_server.url + "/portal/")
    expect(page.get_by_role("heading", name="家政企业登录")).to_be_visible()
    page.get_by_label("用户名或手机号码").fill(account.user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(live_server.url + "/portal/")
    expect(page.get_by_role("heading", name=enterprise.name, level=1)).to_be_visible()
    for card in ("企业档案", "信用评价", "投诉处理", "守信激励"):
        expect(page.locator(".portal-card h2", has_text=card)).to_be_visible()

    page.goto(live_server.url + "/portal/profile/edit/")
    page.get_by_label("联系人").fill("马小花")
    page.get_by_label("联系电话").fill("0941-5123456")
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(live_server.url + "/portal/profile/")
    expect(page.get_by_text("变更申请已提交，县商务局审核通过后生效。")).to_be_visible()
    expect(page.get_by_text("待审核").first).to_be_visible()
    expect(page.get_by_text("0941-5123456").first).to_be_visible()

    page.goto(live_server.url + "/portal/workers/")
    expect(page.get_by_role("heading", name="从业人员", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="卓玛草")).to_be_visible()
    expect(page.get_by_text("保洁员").first).to_be_visible()

    page.locator(".portal-nav-wide").get_by_role("button", name="退出").click()
    page.wait_for_url(live_server.url + "/portal/login/")
    page.goto(live_server.url + "/portal/workers/")
    expect(page.get_by_role("heading", name="家政企业登录")).to_be_visible()
    assert page.outside_requests == [] and page.console_errors == []
