"""The portal's agreement pages and the public verification page, as users see them."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from agreements.models import ServiceAgreement
from tests.portal_clients import portal_client

from .conftest import CUSTOMER_MOBILE, last_code

pytestmark = pytest.mark.django_db

VERIFY = "/agreements/verify/"


@pytest.fixture
def owner(shop):
    return portal_client(shop.enterprise)


def _issue_post(shop, **changes) -> dict:
    today = datetime.date.today()
    data = {
        "customer_name": "马桂兰",
        "customer_mobile": CUSTOMER_MOBILE,
        "township": shop.township.pk,
        "service_address": "城关镇江北路8号",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=7)).isoformat(),
        "worker": shop.worker.pk,
        "note": "",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-category": shop.cleaning.pk,
        "items-0-quantity": "3",
        "items-0-unit_price": "",
        "items-0-reason": "",
    }
    data.update(changes)
    return data


def test_the_portal_issues_an_agreement_and_prints_it(
    shop, owner, sms, django_capture_on_commit_callbacks
):
    page = owner.get(reverse("portal:agreement_new"))
    assert page.status_code == 200
    assert "家庭服务业管理暂行办法" in page.content.decode()
    assert "公示价45" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(reverse("portal:agreement_new"), _issue_post(shop))
    agreement = ServiceAgreement.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:agreement", args=[agreement.pk])
    assert agreement.issued_by == owner.account.user
    printed = owner.get(reverse("portal:agreement_print", args=[agreement.pk])).content.decode()
    assert agreement.number in printed
    assert "<svg" in printed and "agreement-qr-svg" in printed
    assert "第十三条" in printed and "12315" in printed
    assert "138****7777" in printed and CUSTOMER_MOBILE not in printed
    assert shop.worker.id_number_masked not in printed


def test_a_price_above_the_published_one_without_a_reason_is_shown_on_the_form(shop, owner, sms):
    response = owner.post(
        reverse("portal:agreement_new"), _issue_post(shop, **{"items-0-unit_price": "50"})
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "高于本企业公示价45" in content and "请写明理由" in content
    assert "城关镇江北路8号" in content  # nothing typed is lost
    assert not ServiceAgreement.objects.exists()


def test_a_portal_user_sees_only_own_agreements(shop, sms):
    agreement = shop.issue()
    other = portal_client()
    assert agreement.number not in other.get(reverse("portal:agreements")).content.decode()
    for name in (
        "portal:agreement",
        "portal:agreement_print",
        "portal:agreement_paper",
        "portal:agreement_cancel",
    ):
        assert other.get(reverse(name, args=[agreement.pk])).status_code == 404
    response = other.post(
        reverse("portal:agreement_cancel", args=[agreement.pk]), {"reason": "试图作废"}
    )
    assert response.status_code == 404
    agreement.refresh_from_db()
    assert agreement.status == ServiceAgreement.Status.ISSUED


def test_the_portal_records_a_paper_signature(shop, owner, sms):
    agreement = shop.issue()
    url = reverse("portal:agreement_paper", args=[agreement.pk])
    refused = owner.post(url, {"signed_on": datetime.date.today().isoformat()})
    assert "请确认客户已在纸质约定上签字" in refused.content.decode()
    owner.post(url, {"signed_on": datetime.date.today().isoformat(), "confirm": "on"})
    agreement.refresh_from_db()
    assert agreement.confirmation == ServiceAgreement.Confirmation.PAPER
    assert agreement.confirmed_by == owner.account.user


def test_the_public_page_verifies_and_confirms_with_the_code(
    client, shop, sms, django_capture_on_commit_callbacks
):
    agreement = shop.issue()
    form = client.get(f"{VERIFY}?number={agreement.number}").content.decode()
    assert agreement.number in form and "第十三条" in form
    response = client.post(VERIFY, {"number": agreement.number, "mobile": CUSTOMER_MOBILE})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "待您确认" in page and "138****7777" in page
    assert CUSTOMER_MOBILE not in page
    assert shop.worker.name not in page  # masked
    assert shop.worker.id_number_masked not in page
    assert shop.worker.phone_masked and shop.worker.phone_masked not in page  # no worker mobile
    assert "13809410002" not in page
    too_soon = client.post(response.url, {"action": "send"}).content.decode()
    assert "验证码已发送，请" in too_soon  # the code of the issue SMS is still fresh
    with (
        time_machine.travel(datetime.timedelta(seconds=61)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = client.post(response.url, {"action": "send"})
    assert "验证码已发送到138****7777" in sent.content.decode()
    wrong = client.post(response.url, {"action": "confirm", "code": "12345"})
    assert "短信验证码" in wrong.content.decode()
    done = client.post(response.url, {"action": "confirm", "code": last_code(sms)})
    assert done.status_code == 302
    assert "已确认" in client.get(done.url).content.decode()
    agreement.refresh_from_db()
    assert agreement.confirmation == ServiceAgreement.Confirmation.SMS


def _without_values(response) -> str:
    """The page without what was typed and the form's token."""
    return re.sub(r'value="[^"]*"', "", response.content.decode())


def test_a_wrong_mobile_gets_the_same_answer_as_an_unknown_number(client, shop, sms):
    agreement = shop.issue()
    wrong_mobile = client.post(VERIFY, {"number": agreement.number, "mobile": "13899410000"})
    unknown = client.post(VERIFY, {"number": "FW20250101ABCDEF", "mobile": CUSTOMER_MOBILE})
    assert wrong_mobile.status_code == unknown.status_code == 200
    assert "没有找到与该手机号码对应的服务约定" in wrong_mobile.content.decode()
    assert _without_values(wrong_mobile) == _without_values(unknown)
    bad = client.post(VERIFY, {"number": "123", "mobile": CUSTOMER_MOBILE})
    assert "约定编号应为FW开头的16位编号" in bad.content.decode()


def test_failed_look_ups_are_rate_limited(client, shop, settings):
    settings.TRACKING_RATE_PER_IP = "3/h"
    for _ in range(3):
        assert (
            client.post(
                VERIFY, {"number": "FW20250101ABCDEF", "mobile": CUSTOMER_MOBILE}
            ).status_code
            == 200
        )
    limited = client.post(VERIFY, {"number": "FW20250101ABCDEF", "mobile": CUSTOMER_MOBILE})
    assert limited.status_code == 429
    assert "查询失败次数过多" in limited.content.decode()


def test_the_result_page_needs_a_matched_pair_first(client):
    response = client.get(reverse("agreements:agreement"))
    assert response.status_code == 302 and response.url == VERIFY
