"""Elder-friendly reading on a 360-pixel phone whose browser runs no script: the 大字版
switch, then the complaint, its tracking and the benefit check complete in large text."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import Complaint
from core.notifications import MemorySmsBackend
from registry.models import Township
from tests.factories.incentives import ResidentFactory, default_catalogue
from tests.factories.registry import EnterpriseFactory

from .test_resident_registration import fits_the_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TARGETS = "a.button, button, input:not([type=hidden]), select, .site-nav a"


def root_font_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")


def small_targets(page) -> list[str]:
    """Buttons, fields and navigation links less than 44 px tall (check boxes aside)."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter(el => el.offsetParent !== null && !['checkbox', 'radio'].includes(el.type))
            .filter(el => el.getBoundingClientRect().height < 44)
            .map(el => el.outerHTML.slice(0, 80))""",
        TARGETS,
    )


def test_the_switch_works_without_script_and_is_remembered(
    phone_page_without_javascript, live_server
):
    page = phone_page_without_javascript
    page.goto(live_server.url + "/news/")
    assert root_font_px(page) >= 18
    page.get_by_role("button", name="大字版").click()
    page.wait_for_url(live_server.url + "/news/")
    assert root_font_px(page) >= 22
    assert fits_the_phone(page)
    page.goto(live_server.url + "/")
    assert root_font_px(page) >= 22  # remembered on the next page
    page.get_by_role("button", name="标准字号").click()
    assert root_font_px(page) < 22


def test_complaint_tracking_and_benefit_check_complete_without_script_in_large_text(
    phone_page_without_javascript, live_server, settings
):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    EnterpriseFactory(name="舟曲县格桑花家政服务有限公司", township=township)
    default_catalogue()
    ResidentFactory(mobile="13909416666")
    page = phone_page_without_javascript
    page.goto(live_server.url + "/complaints/new/")
    page.get_by_role("button", name="大字版").click()
    page.wait_for_url("**/complaints/new/")
    assert root_font_px(page) >= 22
    assert small_targets(page) == []

    # A first try with nothing filled in: the summary links each field.
    page.get_by_role("button", name="提交投诉").click()
    summary = page.locator("#error-summary")
    expect(summary).to_have_count(1)  # the click returns before the answer has loaded
    for link in summary.locator("a").all():
        assert page.locator(link.get_attribute("href")).count() == 1

    page.get_by_label("您的姓名").fill("张桂兰")
    page.get_by_label("手机号码").fill("13909412222")
    page.get_by_label("您所在的乡镇").select_option(label="城关镇")
    page.get_by_label("被投诉的家政企业").fill("舟曲县格桑花家政服务有限公司")
    page.get_by_label("服务日期").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("乱收费").check()
    page.get_by_label("发生了什么").fill("打扫完以后说要加收两百元交通费，事先没有说过。")
    page.get_by_label("您的诉求").fill("退还多收的两百元")
    page.get_by_label("我已阅读并同意上述个人信息告知").check()
    assert fits_the_phone(page)
    page.get_by_role("button", name="提交投诉").click()
    page.wait_for_url("**/complaints/submitted/")
    number = page.locator("#tracking-number").get_attribute("data-tracking-number")
    assert Complaint.objects.get().tracking_number == number
    assert page.locator("a[href^='tel:']").count() >= 1  # the complaint line, one tap away

    page.goto(live_server.url + "/complaints/track/")
    assert root_font_px(page) >= 22
    page.get_by_label("投诉编号").fill(number)
    page.get_by_label("投诉时填写的手机号码").fill("13909412222")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/complaints/track/?n=*")
    assert "已提交，待受理" in page.locator("main").inner_text()
    assert fits_the_phone(page)

    page.goto(live_server.url + "/incentives/check/")
    page.fill("#id_mobile", "13909416666")
    page.click("button[value=send]")
    assert "第二步：输入短信验证码" in page.content()
    sms = [body for to, body in MemorySmsBackend.outbox if to == "13909416666"]
    page.fill("#id_code", re.search(r"验证码(\d{6})", sms[-1]).group(1))
    page.click("button[value=verify]")
    assert page.locator("h1").inner_text() == "我能享受的优惠"
    assert root_font_px(page) >= 22 and fits_the_phone(page)
    assert small_targets(page) == []
    assert page.outside_requests == [] and page.console_errors == []
