"""A resident finds an enterprise in the credit look-up and reads its public profile on a
360-pixel phone: contact with one tap, services beside the guide price, workers with masked
names and valid cards, the signed credit pledge; no personal number anywhere."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from credit.models import EvaluationStandard, Indicator, Rating, VetoRule
from credit.services.pledges import pledge_publish, pledge_sign
from credit.standards_default import create_default_standards
from registry.models import Township
from registry.services.cards import card_issue
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
    WorkerFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def filled_enterprise():
    # Transactional tests start from an empty database: seed what the migrations would.
    create_default_standards(EvaluationStandard, Indicator, VetoRule, year=2025)
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    enterprise = EnterpriseFactory(
        name="舟曲县格桑花家政服务有限公司",
        township=township,
        phone="0941-5128899",
        business_address="城关镇滨江东路南侧商住楼一单元一楼门面房",
    )
    Rating.objects.create(
        enterprise=enterprise,
        year=2025,
        standard=EvaluationStandard.objects.get(year=2025, subject_type="enterprise"),
        compliance=Decimal("29.0"),
        quality=Decimal("23.5"),
        reputation=Decimal("24.0"),
        commitment=Decimal("18.5"),
        total=Decimal("95.0"),
        grade="AAA",
        status="final",
        computed_at=timezone.make_aware(datetime.datetime(2025, 11, 20, 10)),
    )
    category = ServiceCategoryFactory(
        code="e2e-clean",
        name="日常保洁（按小时）",
        standard_process="上门确认清洁范围\n按区域由上到下清洁\n客户验收签字",
        commitment="按约定时间上门，损坏物品照价赔偿。",
        guide_price_min=Decimal("35"),
        guide_price_max=Decimal("50"),
    )
    ServiceOfferingFactory(enterprise=enterprise, category=category, price=Decimal("40"))
    worker = WorkerFactory(name="扎西卓玛", phone="13809417777")
    card_issue(
        actor=None,
        employment=EmploymentFactory(worker=worker, enterprise=enterprise, position="保洁员"),
        warnings_confirmed=True,
    )
    pledge = pledge_publish(actor=None, title="舟曲县家政服务企业信用承诺书", body="一、明码标价。")
    pledge_sign(actor=None, enterprise=enterprise, pledge=pledge, signer_name="王秀兰", agreed=True)
    return enterprise, worker


def test_a_resident_reads_an_enterprise_profile_on_a_phone(phone_page, live_server):
    enterprise, worker = filled_enterprise()
    page = phone_page

    page.goto(live_server.url + "/credit/?q=格桑花")
    page.get_by_role("link", name="舟曲县格桑花家政服务有限公司").click()
    page.wait_for_url(f"**/enterprises/{enterprise.pk}/")

    assert page.get_by_role("heading", level=1).inner_text() == "舟曲县格桑花家政服务有限公司"
    call = page.locator("a.tel-link").first
    assert call.get_attribute("href") == "tel:09415128899"
    assert call.bounding_box()["height"] >= 44  # a thumb can tap it

    services = page.locator("#profile-services")
    assert "40 元/小时" in services.inner_text()
    assert "指导价：35–50 元/小时" in services.inner_text()
    services.locator("summary", has_text="服务标准").click()
    assert services.get_by_text("客户验收签字").is_visible()

    assert "AAA 诚信示范" in page.locator("#profile-grades").inner_text()
    assert "为现行版本" in page.locator("#profile-pledge").inner_text()
    workers = page.locator("#profile-workers").inner_text()
    assert "扎**玛" in workers and "保洁员" in workers

    html = page.content()
    assert "扎西卓玛" not in html
    assert worker.id_number_masked not in html and worker.id_last4 not in html
    assert "13809417777" not in html and worker.phone_masked not in html

    assert page.get_by_role("link", name="评价这家企业的服务").is_visible()
    page.get_by_role("link", name="投诉这家企业").click()
    page.wait_for_url(f"**/complaints/new/?enterprise={enterprise.pk}")
    assert "舟曲县格桑花家政服务有限公司" in page.content()

    page.goto(live_server.url + f"/enterprises/{enterprise.pk}/")
    base_font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert base_font >= 18
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the profile scrolls sideways on a 360 px phone"
    assert page.outside_requests == []
    assert page.console_errors == []
