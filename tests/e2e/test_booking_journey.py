"""A resident in good credit books a service on a 360-pixel phone whose browser runs no
script: mobile and SMS code, a day in the past refused with a clear message, then the
request, marked 优先; the enterprise accepts it in the portal and the resident sees who
comes on "我的预约"."""

import re

import pytest

from core.notifications import MemorySmsBackend
from incentives.models import BookingRequest
from registry.models import ServiceCategory
from tests.factories.incentives import ResidentFactory, default_catalogue, grade, join
from tests.factories.registry import EnterpriseFactory, ServiceOfferingFactory, township
from tests.portal_fixtures import portal_user

from .test_resident_registration import fits_the_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOBILE = "13909418282"


def last_code() -> str:
    codes = [body for to, body in MemorySmsBackend.outbox if to == MOBILE and "验证码" in body]
    return re.search(r"验证码(\d{6})", codes[-1]).group(1)


def test_a_resident_books_with_priority_on_a_phone_without_javascript(
    phone_page_without_javascript, live_server, settings, browser
):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    measures, _ = default_catalogue()
    item = ServiceCategory.objects.filter(is_active=True).order_by("sort_order").first()
    enterprise = EnterpriseFactory(name="舟曲县诚信家政服务有限公司")
    grade(enterprise, "AAA")
    ServiceOfferingFactory(enterprise=enterprise, category=item)
    join(enterprise, measures["resident-priority-booking"])
    ResidentFactory(mobile=MOBILE, township=township())
    page = phone_page_without_javascript

    page.goto(live_server.url + "/bookings/new/")
    assert page.locator("h1").inner_text().startswith("预约家政服务")
    assert fits_the_phone(page)
    page.fill("#id_mobile", MOBILE)
    page.click("button[value=send]")
    assert "第二步：填写预约" in page.content()

    page.fill("#id_code", last_code())
    page.check("input[name=kind][value=service]")
    page.select_option("#id_category", str(item.pk))
    page.select_option("#id_township", str(township().pk))
    page.fill("#id_preferred_date", "2020-01-01")
    page.check("input[name=preferred_part][value=morning]")
    page.fill("#id_contact_name", "王阿姨")
    page.click("button[value=book]")
    assert "不能早于今天" in page.locator("#error-summary").inner_text()
    assert fits_the_phone(page) and not BookingRequest.objects.exists()

    tomorrow = page.locator("#id_preferred_date").get_attribute("min")
    page.fill("#id_preferred_date", tomorrow)
    page.click("button[value=book]")
    assert page.locator("h1").inner_text() == "预约已提交"
    booking = BookingRequest.objects.get()
    assert booking.is_priority and booking.number in page.content()
    assert "优先" in page.content() and fits_the_phone(page)

    # The enterprise accepts in the portal (a desktop browser with scripts).
    user = portal_user(enterprise)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": user.client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    portal = context.new_page()
    portal.goto(live_server.url + "/portal/incentives/bookings/")
    assert "优先" in portal.content()
    portal.click(f"text={item.name}")
    portal.click("button:text('接单')")
    assert MOBILE in portal.content() and "王阿姨" in portal.content()
    context.close()

    page.click("a[href='/bookings/mine/']")
    text = page.locator("main").inner_text()
    assert "已有企业接单" in text and "舟曲县诚信家政服务有限公司" in text
    assert fits_the_phone(page)
    assert page.outside_requests == [] and page.console_errors == []
