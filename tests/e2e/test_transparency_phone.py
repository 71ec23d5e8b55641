"""On a 360 px phone: a resident reads the penalty disclosure list, and checks an enterprise's
published prices on the complaint form before complaining about a charge."""

from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.models import Complaint, PriceFinding
from credit.models import EventKind
from credit.services import credit_event_record
from registry.models import Township
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
    WorkerFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_resident_reads_the_penalty_list_on_a_phone(phone_page, live_server):
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    enterprise = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司", township=township)
    worker = WorkerFactory(name="扎西卓玛", township=township)
    EmploymentFactory(worker=worker, enterprise=enterprise)
    today = timezone.localdate()
    for subject, title in ((enterprise, "未公示收费标准"), (worker, "无证上岗")):
        credit_event_record(
            actor=None,
            kind=EventKind.PENALTY,
            occurred_on=today,
            title=title,
            legal_basis="《中华人民共和国价格法》第十三条、第四十二条",
            authority="舟曲县市场监督管理局",
            **{"enterprise" if subject is enterprise else "worker": subject},
        )
    EnterpriseFactory(name="舟曲县白龙江家政服务部", township=township)
    page = phone_page

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="行政处罚公示").first.click()
    page.wait_for_url("**/credit/penalties/")
    entries = page.locator("li.disclosure-entry")
    assert entries.count() == 2
    text = page.locator("main").inner_text()
    assert "扎**玛" in text and "扎西卓玛" not in text
    assert "《中华人民共和国价格法》第十三条、第四十二条" in text
    assert no_sideways_scroll(page)

    page.get_by_label("企业名称或统一社会信用代码").fill("白龙江")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/credit/penalties/?q=*")
    assert page.locator("li.disclosure-entry").count() == 0
    assert "没有找到" in page.locator("main").inner_text()

    page.goto(live_server.url + "/credit/key-list/")
    assert "目前重点管理名单中没有" in page.locator("main").inner_text()
    assert no_sideways_scroll(page)
    assert page.outside_requests == []
    assert page.console_errors == []


def test_a_resident_sees_the_published_prices_and_complains_of_a_charge(phone_page, live_server):
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    enterprise = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司", township=township)
    cleaning = ServiceCategoryFactory(
        code="e2e-cleaning", name="测试上门保洁", guide_price_min=30, guide_price_max=60
    )
    ServiceOfferingFactory(enterprise=enterprise, category=cleaning, price=45)
    page = phone_page

    page.goto(live_server.url + "/complaints/new/")
    page.get_by_label("您的姓名").fill("张桂兰")
    page.get_by_label("手机号码").fill("13909412222")
    page.get_by_label("您所在的乡镇").select_option(label="城关镇")
    page.get_by_label("被投诉的家政企业").fill("舟曲县格桑花家政服务有限公司")
    page.get_by_label("服务日期").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("服务类别（可不选）").select_option(label="测试上门保洁")
    page.get_by_label("乱收费").check()
    page.get_by_label("实际收费（元，可不填）").fill("300元")
    page.get_by_label("服务数量（可不填）").fill("3")
    page.get_by_role("button", name="查看该企业公示的价格").click()

    table = page.locator("section.price-table")
    assert "舟曲县格桑花家政服务有限公司公示的服务价格" in table.inner_text()
    assert "45 元/小时" in table.inner_text() and "30–60 元/小时" in table.inner_text()
    assert no_sideways_scroll(page)
    # What was typed is still there.
    assert page.get_by_label("实际收费（元，可不填）").input_value() == "300元"
    assert page.get_by_label("您的姓名").input_value() == "张桂兰"
    assert not Complaint.objects.exists()

    page.get_by_label("发生了什么").fill("说好每小时45元，做了3小时却收了300元。")
    page.get_by_label("您的诉求").fill("退还多收的费用")
    page.get_by_label("我已阅读并同意上述个人信息告知").check()
    page.get_by_role("button", name="提交投诉").click()
    page.wait_for_url("**/complaints/submitted/")
    complaint = Complaint.objects.get()
    assert complaint.charged_amount == Decimal("300")
    assert complaint.published_price == Decimal("45")
    assert complaint.price_finding == PriceFinding.ABOVE_BOTH
    assert page.outside_requests == []
    assert page.console_errors == []
