"""A resident scans a worker's card at the door, then reviews the service on a 360-pixel
phone with JavaScript off: the SMS code, the review, and the thanks saying it counts."""

import datetime

import pytest
from django.utils import timezone

from core.notifications import MemorySmsBackend
from credit.models import CreditEvent
from registry.services.cards import card_issue
from reviews.models import ServiceReview
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    HealthCertificateFactory,
)
from tests.reviews.conftest import last_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def test_a_resident_reviews_a_scanned_worker_on_a_phone_without_javascript(
    browser, live_server, sms
):
    today = timezone.localdate()
    employment = EmploymentFactory(
        worker__name="卓玛草", enterprise__name="舟曲县格桑花家政服务有限公司"
    )
    HealthCertificateFactory(
        worker=employment.worker,
        valid_from=today - datetime.timedelta(days=30),
        valid_to=today + datetime.timedelta(days=300),
    )
    BackgroundCheckFactory(
        worker=employment.worker, result="passed", checked_on=today - datetime.timedelta(days=20)
    )
    card = card_issue(actor=None, warnings_confirmed=True, employment=employment)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    outside = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else outside.append(1),
    )

    page.goto(f"{live_server.url}/verify/{card.token}/")
    page.get_by_role("link", name="评价这次服务").click()
    page.wait_for_url("**/reviews/new/?worker=*")
    assert "卓玛草" not in page.locator("main").inner_text()  # the name is masked
    page.get_by_label("服务日期").fill(f"{today:%Y-%m-%d}")
    for name in ("quality", "punctuality", "attitude"):
        page.locator(f"input[name={name}][value='5']").check()
    page.get_by_label("评价内容（可不填）").fill("准时上门，做事细致。")
    page.get_by_label("您的手机号码").fill("13909412222")
    page.get_by_role("button", name="获取短信验证码").click()
    page.wait_for_load_state()
    assert "验证码已发送到139****2222" in page.locator("main").inner_text()
    # What was typed is still there.
    assert page.get_by_label("评价内容（可不填）").input_value() == "准时上门，做事细致。"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_label("短信验证码").fill(last_code(sms))
    page.locator("button.review-submit").click()
    page.wait_for_url("**/reviews/thanks/")
    assert "已核实为真实服务" in page.locator("main").inner_text()

    review = ServiceReview.objects.get()
    assert (review.verified, review.proof_kind) == (True, "card_scan")
    assert CreditEvent.objects.filter(source_ref=f"review:{review.pk}").count() == 2
    assert outside == []
    context.close()
