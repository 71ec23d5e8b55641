"""A resident looks up an enterprise's credit on a phone."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from credit.models import EvaluationStandard, Indicator, Rating, VetoRule
from credit.standards_default import create_default_standards
from registry.models import Township
from tests.factories.registry import EnterpriseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def rated_enterprise(name: str, **rating) -> None:
    # Transactional tests start from an empty database: seed what the migrations would.
    create_default_standards(EvaluationStandard, Indicator, VetoRule, year=2025)
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    enterprise = EnterpriseFactory(name=name, township=township, phone="13909418899")
    Rating.objects.create(
        enterprise=enterprise,
        year=2025,
        standard=EvaluationStandard.objects.get(year=2025, subject_type="enterprise"),
        compliance=Decimal("29.0"),
        quality=Decimal("23.5"),
        reputation=Decimal("24.0"),
        commitment=Decimal("18.5"),
        total=Decimal("95.0"),
        computed_at=timezone.make_aware(datetime.datetime(2025, 11, 20, 10)),
        **rating,
    )


def test_a_resident_looks_up_an_enterprise_on_a_phone(phone_page, live_server):
    rated_enterprise("舟曲县格桑花家政服务有限公司", grade="AAA", status="final")
    rated_enterprise("舟曲县白龙江家政服务部", grade="AAA", status="publicised")
    page = phone_page

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="信用查询").first.click()
    page.wait_for_url("**/credit/")
    page.get_by_label("企业名称或统一社会信用代码").fill("格桑花")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/credit/?q=*")

    result = page.locator("li.result")
    assert result.count() == 1
    assert "舟曲县格桑花家政服务有限公司" in result.inner_text()
    assert result.locator(".grade").inner_text() == "AAA 诚信示范"
    assert "2025年度" in result.inner_text() and "城关镇" in result.inner_text()
    assert "13909418899" not in page.content()

    # A publicised (not yet final) rating is not shown.
    page.get_by_label("企业名称或统一社会信用代码").fill("白龙江")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/credit/?q=%E7%99%BD*")
    assert page.locator("li.result .no-rating").inner_text() == "暂无评价结果"

    base_font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert base_font >= 18
    name_font = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.result-name')).fontSize)"
    )
    assert name_font >= 18
    for path in ("/credit/", "/credit/honor-roll/", "/credit/standard/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways on a 360 px phone"
    assert page.outside_requests == []
    assert page.console_errors == []
