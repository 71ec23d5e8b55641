"""An enterprise issues its credit report (信用报告) on a phone, reads it at 360 pixels and
prints it on A4; a tender officer scans its QR code and sees the same report, verified."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from credit.models import EventKind, Rating, Severity
from credit.services.management import key_list_add
from tests.e2e.test_portal_phone import BROKEN_TEXT
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import RatingFactory
from tests.factories.registry import EnterpriseFactory, QualificationFactory
from tests.portal_fixtures import portal_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 360
# A4 is 210 mm wide; the report's @page margins leave 182 mm, 688 CSS pixels.
A4_CONTENT_WIDTH = 688
A4_POINTS = (595, 842)

# Elements of the report wider than their container (content that printing would cut).
OVERFLOWING = """
() => [...document.querySelectorAll('.credit-report, .credit-report *')]
  .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1
               && getComputedStyle(e).overflowX !== 'visible' || (
               e.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
  .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 30))
"""


@pytest.fixture
def enterprise_with_a_file(default_standards):
    enterprise = EnterpriseFactory(
        name="舟曲县格桑花家政服务有限公司",
        registered_address="舟曲县城关镇滨江路12号格桑花大厦三楼东侧办公室",
        phone="0941-5121234",
    )
    QualificationFactory(enterprise=enterprise, number="JY62302320200001")
    QualificationFactory(
        enterprise=enterprise,
        kind="filing",
        number="JZBA-2023-017",
        issuer="舟曲县工业和信息化和商务局",
        valid_to=datetime.date(2026, 12, 31),
    )
    RatingFactory(enterprise=enterprise, year=2025, status=Rating.Status.FINAL, grade="AA")
    today = datetime.date.today()
    for n in range(12):
        CreditEventFactory(
            enterprise=enterprise,
            kind=EventKind.PENALTY if n % 2 else EventKind.SUBSTANTIATED_COMPLAINT,
            severity=Severity.SERIOUS if n % 3 == 0 else Severity.GENERAL,
            occurred_on=today - datetime.timedelta(days=20 + n),
            title=f"未按约定时间提供服务，经调解退还服务费用（第{n + 1}起）",
        )
    CreditEventFactory(
        enterprise=enterprise,
        kind=EventKind.AWARD,
        occurred_on=today - datetime.timedelta(days=5),
        title="舟曲县家政服务示范企业",
    )
    key_list_add(
        actor=None,
        enterprise=enterprise,
        reason="严重失信：拒不退还预付服务费",
        basis="县工信商务局认定书",
        starts_on=today - datetime.timedelta(days=3),
    )
    return enterprise


def signed_in(page, live_server, enterprise):
    user = portal_user(enterprise)
    session = user.client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return page


def test_the_report_reads_on_a_phone_and_prints_on_a4(
    phone_page, live_server, enterprise_with_a_file
):
    page = signed_in(phone_page, live_server, enterprise_with_a_file)
    page.goto(live_server.url + reverse("portal:credit_reports"))
    page.get_by_role("button", name="出具新的信用报告").click()
    page.wait_for_url(re.compile(r".*/portal/credit/reports/\d+/$"))

    report = page.locator("article.credit-report")
    text = report.inner_text()
    assert "舟曲县格桑花家政服务有限公司" in text
    assert "（第12起）" in text and "舟曲县家政服务示范企业" in text
    assert "严重失信：拒不退还预付服务费" in text
    # A phone reads it without sideways scrolling or names broken one character per line.
    assert page.evaluate("document.documentElement.scrollWidth") == WIDTH
    assert page.evaluate(BROKEN_TEXT) == []
    qr = page.locator(".report-qr svg").bounding_box()
    assert qr["width"] >= 100 and abs(qr["width"] - qr["height"]) < 1
    assert page.get_by_role("button", name="打印/另存为PDF").is_visible()  # the script ran

    # Printed: the toolbar goes, the tables are tables again, nothing is wider than A4.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    assert page.locator(".report-toolbar").is_hidden()
    assert page.locator(".report-table thead").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT_WIDTH
    assert page.evaluate(OVERFLOWING) == []
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(
        (round(float(w)), round(float(h))) == A4_POINTS for w, h in boxes
    )  # every page is A4
    assert 1 <= len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) <= 3

    assert page.outside_requests == []
    assert page.console_errors == []


def test_the_qr_code_opens_the_same_report_verified(
    phone_page, desktop_page, live_server, enterprise_with_a_file
):
    page = signed_in(desktop_page, live_server, enterprise_with_a_file)
    page.goto(live_server.url + reverse("portal:credit_reports"))
    page.get_by_role("button", name="出具新的信用报告").click()
    page.wait_for_url(re.compile(r".*/portal/credit/reports/\d+/$"))
    issued = page.locator("article.credit-report").text_content()
    verify_url = page.locator(".report-url").inner_text()
    assert verify_url.startswith(live_server.url + "/credit/reports/verify/?number=XY")

    # Anyone with the paper scans the code: no login.
    phone_page.goto(verify_url)
    assert "本报告真实有效" in phone_page.locator(".verify-result").inner_text()
    assert phone_page.locator("article.credit-report").text_content() == issued
    assert phone_page.evaluate("document.documentElement.scrollWidth") == WIDTH
    assert phone_page.outside_requests == [] and phone_page.console_errors == []
