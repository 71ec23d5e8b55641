"""An enterprise prints a standard service agreement: on a 360-pixel phone the page reads
without sideways scrolling, with its number, QR code and the law it rests on; printed, it is
an A4 document with the on-screen hints hidden. Nothing is fetched from outside the machine."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from agreements import services
from registry.models import Township
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
    WorkerFactory,
)
from tests.portal_fixtures import portal_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agreement(settings):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    enterprise = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司", township=township)
    cleaning = ServiceCategoryFactory(code="e2e-clean", name="日常保洁（测试）")
    ServiceOfferingFactory(enterprise=enterprise, category=cleaning, price=45)
    worker = EmploymentFactory(
        enterprise=enterprise, worker=WorkerFactory(name="阿卜杜热合曼·买买提")
    ).worker
    today = datetime.date.today()
    issued = services.agreement_issue(
        actor=None,
        enterprise=enterprise,
        customer_name="马桂兰",
        customer_mobile="13899417777",
        township=township,
        service_address="城关镇江北路滨江花园小区8号楼2单元301室",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        worker=worker,
        items=[
            services.ItemInput(
                category=cleaning,
                quantity=Decimal(4),
                unit_price=Decimal(55),
                reason="春节期间上门，按节假日价格",
            )
        ],
    )
    return issued


def _signed_in(page, live_server, enterprise):
    user = portal_user(enterprise)
    session = user.client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_the_agreement_print_page_reads_on_a_phone(agreement, phone_page, live_server):
    page = phone_page
    _signed_in(page, live_server, agreement.enterprise)
    response = page.goto(live_server.url + reverse("portal:agreement_print", args=[agreement.pk]))
    assert response.status == 200
    sheet = page.locator("article.agreement-sheet")
    text = sheet.inner_text()
    assert agreement.number in text
    assert "家庭服务业管理暂行办法" in text and "第十三条" in text and "12315" in text
    assert "138****7777" in text and "13899417777" not in text
    assert "春节期间上门" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    qr = page.locator(".agreement-qr svg").bounding_box()
    assert qr is not None and qr["width"] > 60 and abs(qr["width"] - qr["height"]) < 1
    assert page.outside_requests == []
    assert page.console_errors == []


def test_the_agreement_prints_on_a4(agreement, desktop_page, live_server):
    page = desktop_page
    _signed_in(page, live_server, agreement.enterprise)
    page.goto(live_server.url + reverse("portal:agreement_print", args=[agreement.pk]))
    page.emulate_media(media="print")
    assert page.locator(".print-hide").first.is_hidden()
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".agreement-qr svg").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 2
    # Every page is A4 (595 × 842 points), as the stylesheet's @page asks.
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert sizes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in sizes)
    assert page.outside_requests == []
