"""A resident reports an unlicensed operator on a phone whose browser runs no script, reads
the tracking number and follows the 举报."""

import pytest
from django.utils import timezone

from complaints.models import CaseType, Complaint
from registry.models import Township

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_resident_reports_an_unlicensed_operator_without_javascript(
    phone_page_without_javascript, live_server
):
    Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    page = phone_page_without_javascript

    page.goto(live_server.url + "/complaints/new/")
    page.get_by_role("link", name="举报").first.click()
    page.wait_for_url("**/complaints/report/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # First without choosing what is reported: the page comes back with the error on top.
    page.get_by_label("被举报的企业或经营者").fill("滨河路无招牌保洁点")
    page.get_by_label("手机号码").fill("13909413333")
    page.get_by_role("button", name="提交举报").click()
    body = page.locator("main").inner_text()
    assert "请选择举报类别" in body
    assert not Complaint.objects.exists()

    page.get_by_label("无证经营").check()
    page.get_by_label("经营地点").fill("城关镇滨河路12号门面")
    page.get_by_label("违规行为发生在哪个乡镇").select_option(label="城关镇")
    page.get_by_label("发现日期").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("违规情况").fill("门口挂牌接家政保洁的活，平台上查不到这家，也没有营业执照。")
    page.get_by_label("我已阅读并同意上述个人信息告知").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="提交举报").click()
    page.wait_for_url("**/complaints/submitted/")
    assert "举报已提交" in page.locator("main").inner_text()

    number = page.locator("#tracking-number").get_attribute("data-tracking-number")
    report = Complaint.objects.get()
    assert report.tracking_number == number and report.case_type == CaseType.REPORT
    assert report.complainant_name == "匿名"

    page.context.clear_cookies()
    page.goto(live_server.url + "/complaints/track/")
    page.get_by_label("投诉编号").fill(number)
    page.get_by_label("投诉时填写的手机号码").fill("13909413333")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/complaints/track/?n=*")
    body = page.locator("main").inner_text()
    assert "举报编号" in body and "已收到您的举报" in body and "无证经营" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.outside_requests == []
