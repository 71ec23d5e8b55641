"""A resident complains on a phone, reads the tracking number and follows the case."""

import pytest
from django.utils import timezone

from complaints.models import Complaint
from registry.models import Township
from tests.factories.registry import EnterpriseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_resident_complains_and_tracks_the_case_on_a_phone(phone_page, live_server):
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    EnterpriseFactory(name="舟曲县格桑花家政服务有限公司", township=township)
    page = phone_page

    page.goto(live_server.url + "/complaints/new/")
    page.get_by_label("您的姓名").fill("张桂兰")
    page.get_by_label("手机号码").fill("13909412222")
    page.get_by_label("您所在的乡镇").select_option(label="城关镇")
    page.get_by_label("被投诉的家政企业").fill("舟曲县格桑花家政服务有限公司")
    page.get_by_label("服务日期").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("乱收费").check()
    page.get_by_label("发生了什么").fill("打扫完以后说要加收两百元交通费，事先没有说过。")
    page.get_by_label("您的诉求").fill("退还多收的两百元")
    page.get_by_label("我已阅读并同意上述个人信息告知").check()
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="提交投诉").click()
    page.wait_for_url("**/complaints/submitted/")

    number = page.locator("#tracking-number").get_attribute("data-tracking-number")
    shown = page.locator("#tracking-number").inner_text().replace(" ", "")
    assert shown == number
    complaint = Complaint.objects.get()
    assert complaint.tracking_number == number
    assert complaint.enterprise.name == "舟曲县格桑花家政服务有限公司"

    # Later, in a fresh visit, with the number read from the screen and the phone.
    page.context.clear_cookies()
    page.goto(live_server.url + "/complaints/track/")
    page.get_by_label("投诉编号").fill(number.lower())
    page.get_by_label("投诉时填写的手机号码").fill("139 0941 2222")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/complaints/track/?n=*")
    body = page.locator("main").inner_text()
    assert "已提交，待受理" in body
    assert "舟曲县格桑花家政服务有限公司" in body
    assert "已收到您的投诉" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    assert page.outside_requests == []
    assert page.console_errors == []
