"""A resident registers online on a 360-pixel phone whose browser runs no script: mobile and
SMS code, a mistyped ID number refused with a clear message, then the registration with a
special-group application and the photo of the certificate; then the status page."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from PIL import Image

from core.notifications import MemorySmsBackend
from incentives.models import GroupMembership, Resident
from registry.models import VerificationCode
from tests.factories.incentives import default_catalogue
from tests.factories.registry import make_id_number, township

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOBILE = "13909418181"


def last_code() -> str:
    return re.search(r"验证码(\d{6})", MemorySmsBackend.outbox[-1][1]).group(1)


def certificate_photo() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), "#e8f0e0").save(buffer, format="JPEG")
    return {"name": "残疾人证.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


WIDER_THAN_THE_SCREEN = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 361)
  .map(e => e.tagName + '#' + e.id + '.' + e.className)"""


def fits_the_phone(page) -> bool:
    fits = page.evaluate("document.documentElement.scrollWidth") <= 360
    assert fits, page.evaluate(WIDER_THAN_THE_SCREEN)
    return fits


def test_a_resident_registers_on_a_phone_without_javascript(
    phone_page_without_javascript, live_server, settings
):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    default_catalogue()
    home = township()
    number = make_id_number(datetime.date(1968, 2, 9), sequence=211)
    page = phone_page_without_javascript

    page.goto(live_server.url + "/residents/register/")
    assert page.locator("h1").inner_text() == "居民网上登记"
    assert fits_the_phone(page)
    page.fill("#id_mobile", MOBILE)
    page.click("button[value=send]")
    assert "第二步：填写登记信息" in page.content()
    assert MemorySmsBackend.outbox[-1][0] == MOBILE

    page.fill("#id_code", last_code())
    page.fill("#id_name", "卓玛才让")
    page.fill("#id_id_number", number[:17] + ("1" if number[17] == "0" else "0"))
    page.select_option("#id_township", str(home.pk))
    page.select_option("#id_group", label="残疾人")
    page.set_input_files("#id_proof", certificate_photo())
    page.check("#id_consent")
    page.click("button[value=register]")
    summary = page.locator("#error-summary")
    assert "身份证号校验位不正确" in summary.inner_text()
    assert fits_the_phone(page)
    assert not Resident.objects.exists()

    page.fill("#id_id_number", number)
    page.set_input_files("#id_proof", certificate_photo())
    page.click("button[value=register]")
    assert page.locator("h1").inner_text() == "登记已提交"
    assert "残疾人" in page.content() and fits_the_phone(page)
    resident = Resident.objects.get()
    assert resident.source == "online" and not resident.is_verified
    assert GroupMembership.objects.get().status == "pending"

    # The status page, a minute later (one code a minute per mobile).
    VerificationCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    page.click("main a[href='/residents/status/'] >> nth=0")
    page.fill("#id_mobile", MOBILE)
    page.click("button[value=send]")
    page.fill("#id_code", last_code())
    page.click("button[value=verify]")
    assert page.locator("h1").inner_text() == "我的登记"
    text = page.locator("main").inner_text()
    assert "卓玛才让" in text and "待核实" in text and "残疾人" in text
    assert number not in page.content() and MOBILE not in page.content()
    assert fits_the_phone(page)
    assert page.outside_requests == [] and page.console_errors == []
