"""A resident scans a worker's card at the door and reads the verification page on a phone."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from registry.models import Township
from registry.services.cards import card_issue, card_reissue
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
    SkillFactory,
    WorkerFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 1200), (170, 120, 95)).save(buffer, format="JPEG")
    return SimpleUploadedFile("zhuoma.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_resident_verifies_a_worker_at_the_door_on_a_phone(phone_page, live_server):
    # Transactional tests start from an empty database: seed what the migrations would.
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    enterprise = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司", township=township)
    worker = WorkerFactory(name="卓玛草", township=township, photo=photo(), phone="13809417777")
    employment = EmploymentFactory(worker=worker, enterprise=enterprise, position="育婴员")
    today = timezone.localdate()
    HealthCertificateFactory(worker=worker, valid_to=today + datetime.timedelta(days=20))
    BackgroundCheckFactory(worker=worker)
    SkillFactory(worker=worker)
    card = card_issue(actor=None, warnings_confirmed=True, employment=employment)
    page = phone_page

    page.goto(f"{live_server.url}/verify/{card.token}/")
    light = page.locator(".light")
    assert light.locator(".light-label").inner_text() == "请注意"
    expiry = today + datetime.timedelta(days=20)
    assert f"健康证将于{expiry.year}年{expiry.month}月{expiry.day}日到期" in light.inner_text()
    assert page.get_by_role("heading", name="卓玛草").is_visible()
    assert "舟曲县格桑花家政服务有限公司" in page.locator(".facts").inner_text()
    # The photo loaded, through the card's own address.
    assert page.locator("img.person-photo").evaluate("img => img.naturalWidth") > 0
    assert "13809417777" not in page.content()
    # Large text, nothing wider than the phone, big buttons.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert (
        page.locator(".light-label").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 30
    )
    complain = page.locator(".verify-actions").get_by_role("link", name="我要投诉")
    assert complain.bounding_box()["height"] >= 48

    complain.click()
    page.wait_for_url("**/complaints/new/?worker=*")
    assert "卓玛草" in page.content()

    assert page.console_errors == []

    # The card is reissued: the old QR code now warns (the browser logs the 410 status).
    card_reissue(actor=None, card=card, reason="证件遗失")
    response = page.goto(f"{live_server.url}/verify/{card.token}/")
    assert response.status == 410
    assert page.locator(".light-label").inner_text() == "此服务证已作废"
    assert "卓玛草" not in page.content()

    assert all("status of 410" in error for error in page.console_errors)
    assert page.outside_requests == []
