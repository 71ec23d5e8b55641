"""Verified reviews (已核实服务): the SMS code on the public form, the proofs of a real
service, that only verified reviews reach the credit file, and the limits against review
bombing (many phones from one address, one phone from many addresses, a honeypot)."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from credit.models import CreditEvent
from incentives.models import Redemption
from registry.selectors import worker_ref
from reviews.models import ServiceReview
from reviews.services import review_hide, review_restore, review_submit
from tests.factories.incentives import ResidentFactory
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
)
from tests.reviews.conftest import last_code, scannable_card

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 10, 20, 10, tzinfo=datetime.UTC)
URL = "/reviews/new/"
PHONE = "13909417777"


@pytest.fixture
def clock(sms):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def form_data(**overrides) -> dict:
    return {
        "phone": PHONE,
        "service_date": "2025-10-18",
        "quality": "2",
        "punctuality": "2",
        "attitude": "1",
        "comment": "迟到一个小时。",
        **overrides,
    }


def send(client, capture, data: dict, **extra):
    with capture(execute=True):
        return client.post(URL, {**data, "action": "send"}, **extra)


def events(review) -> int:
    return CreditEvent.objects.filter(source_ref=f"review:{review.pk}").count()


# --- The code on the form ----------------------------------------------------------------


def test_the_form_sends_a_code_keeps_what_was_typed_and_needs_the_code(
    client, clock, sms, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory()
    data = form_data(enterprise=enterprise.pk)
    response = send(client, django_capture_on_commit_callbacks, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "验证码已发送到139****7777" in html
    assert "迟到一个小时。" in html  # nothing typed is lost
    assert len(sms) == 1 and sms[0][0] == PHONE and "服务评价" in sms[0][1]
    assert not ServiceReview.objects.exists()

    missing = client.post(URL, data)
    assert missing.status_code == 200 and "短信验证码" in missing.content.decode()
    wrong = client.post(URL, {**data, "code": "000000" if last_code(sms) != "000000" else "1"})
    assert "验证码不正确" in wrong.content.decode()
    assert not ServiceReview.objects.exists()

    response = client.post(URL, {**data, "code": last_code(sms)})
    assert response.status_code == 302
    # A code is used once.
    again = client.post(URL, {**data, "code": last_code(sms), "comment": "再来一次"})
    assert "验证码已失效或未获取" in again.content.decode()
    assert ServiceReview.objects.count() == 1


def test_a_bad_mobile_is_explained_and_no_code_is_sent(
    client, clock, sms, django_capture_on_commit_callbacks
):
    response = send(client, django_capture_on_commit_callbacks, form_data(phone="12345"))
    assert response.status_code == 200
    assert "手机号码应为11位数字" in response.content.decode()
    assert sms == []


def test_guessing_the_code_locks_it(client, clock, sms, django_capture_on_commit_callbacks):
    data = form_data(enterprise=EnterpriseFactory().pk)
    send(client, django_capture_on_commit_callbacks, data)
    code = last_code(sms)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post(URL, {**data, "code": wrong})
    response = client.post(URL, {**data, "code": code})
    assert "验证码输错次数过多" in response.content.decode()
    assert not ServiceReview.objects.exists()


def test_the_honeypot_sends_no_code(client, clock, sms, django_capture_on_commit_callbacks):
    data = form_data(enterprise=EnterpriseFactory().pk, website="http://spam")
    response = send(client, django_capture_on_commit_callbacks, data)
    assert response.status_code == 302
    assert sms == []


def test_many_phones_from_one_address_get_no_more_codes(
    client, clock, sms, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory()
    for n in range(10):
        send(client, django_capture_on_commit_callbacks,
             form_data(enterprise=enterprise.pk, phone=f"1390941{n:04d}"))  # fmt: skip
    assert len(sms) == 10
    response = send(client, django_capture_on_commit_callbacks,
                    form_data(enterprise=enterprise.pk, phone="13909419999"))  # fmt: skip
    assert response.status_code == 429
    assert "获取验证码的次数过多" in response.content.decode()
    assert len(sms) == 10
    # Another address still can.
    other = send(client, django_capture_on_commit_callbacks,
                 form_data(enterprise=enterprise.pk, phone="13909419999"),
                 REMOTE_ADDR="10.0.0.9")  # fmt: skip
    assert "验证码已发送" in other.content.decode()


def test_one_phone_from_many_addresses_is_throttled_by_the_code_service(
    client, clock, sms, django_capture_on_commit_callbacks
):
    data = form_data(enterprise=EnterpriseFactory().pk)
    first = send(client, django_capture_on_commit_callbacks, data, REMOTE_ADDR="10.0.1.1")
    assert "验证码已发送" in first.content.decode()
    soon = send(client, django_capture_on_commit_callbacks, data, REMOTE_ADDR="10.0.1.2")
    assert "秒后再重新获取" in soon.content.decode()
    for n in range(4):
        clock.shift(61)
        send(client, django_capture_on_commit_callbacks, data, REMOTE_ADDR=f"10.0.2.{n}")
    clock.shift(61)
    response = send(client, django_capture_on_commit_callbacks, data, REMOTE_ADDR="10.0.3.1")
    assert "获取验证码过于频繁" in response.content.decode()
    assert len(sms) == 5


# --- What counts ------------------------------------------------------------------------


def test_an_unverified_review_is_kept_for_staff_but_never_reaches_the_credit_file(
    client, clock, sms, django_capture_on_commit_callbacks
):
    data = form_data(enterprise=EnterpriseFactory().pk)
    send(client, django_capture_on_commit_callbacks, data)
    response = client.post(URL, {**data, "code": last_code(sms)})
    review = ServiceReview.objects.get()
    assert (review.verified, review.proof_kind, review.proof_ref) == (False, "", "")
    assert events(review) == 0
    thanks = client.get(response.url).content.decode()
    assert "不计入信用评价" in thanks and "记入" not in thanks.replace("不计入", "")

    # Hiding and restoring it records nothing either.
    review_hide(actor=None, review=review, reason="测试")
    review_restore(actor=None, review=review)
    assert events(review) == 0


def test_a_card_scanned_in_this_browser_verifies_a_review_of_that_worker(
    client, clock, sms, django_capture_on_commit_callbacks
):
    employment = EmploymentFactory()
    card = scannable_card(employment)
    assert client.get(f"/verify/{card.token}/").status_code == 200
    data = form_data(worker=worker_ref(employment.worker), enterprise=employment.enterprise.pk)
    send(client, django_capture_on_commit_callbacks, data)
    response = client.post(URL, {**data, "code": last_code(sms)})
    assert response.status_code == 302
    review = ServiceReview.objects.get()
    assert (review.verified, review.proof_kind) == (True, "card_scan")
    assert events(review) == 2
    assert "已核实为真实服务" in client.get(response.url).content.decode()


def test_a_scan_older_than_the_window_or_of_another_worker_does_not_verify(
    client, clock, sms, settings, django_capture_on_commit_callbacks
):
    settings.REVIEW_SCAN_DAYS = 3
    scanned, other = EmploymentFactory(), EmploymentFactory()
    card = scannable_card(scanned)
    client.get(f"/verify/{card.token}/")
    clock.shift(datetime.timedelta(days=3, minutes=1))
    late = review_of_card(client, scanned, sms, django_capture_on_commit_callbacks)
    assert not late.verified and events(late) == 0

    client.get(f"/verify/{card.token}/")
    # Another browser scanned nothing; this one scanned `scanned`, not `other`.
    clock.shift(61)
    wrong = review_of_card(client, other, sms, django_capture_on_commit_callbacks, "13909416666")
    assert not wrong.verified


def review_of_card(client, employment, sms, capture, phone=PHONE) -> ServiceReview:
    data = form_data(worker=worker_ref(employment.worker), phone=phone)
    send(client, capture, data)
    response = client.post(URL, {**data, "code": last_code(sms)})
    assert response.status_code == 302, response.context["form"].errors
    return ServiceReview.objects.latest("pk")


def test_a_redemption_at_the_enterprise_verifies_a_review(clock):
    enterprise = EnterpriseFactory()
    resident = ResidentFactory(mobile=PHONE)
    category = ServiceCategoryFactory()
    Redemption.objects.create(
        resident=resident,
        enterprise=enterprise,
        category=category,
        served_on=datetime.date(2025, 10, 15),
        order_amount=Decimal("100"),
        discount_percent=Decimal("10"),
        discount_amount=Decimal("10"),
        paid_amount=Decimal("90"),
    )
    common = {"quality": 5, "punctuality": 5, "attitude": 5}
    review = review_submit(phone=PHONE, enterprise=enterprise,
                           service_date=datetime.date(2025, 10, 16), **common)  # fmt: skip
    assert (review.verified, review.proof_kind) == (True, "redemption")
    assert events(review) == 1
    # Another enterprise, or another mobile, is not proven by it.
    elsewhere = review_submit(phone=PHONE, enterprise=EnterpriseFactory(),
                              service_date=datetime.date(2025, 10, 16), **common)  # fmt: skip
    stranger = review_submit(phone="13909415555", enterprise=enterprise,
                             service_date=datetime.date(2025, 10, 16), **common)  # fmt: skip
    assert not elsewhere.verified and not stranger.verified
    assert events(elsewhere) == events(stranger) == 0


# --- Staff ------------------------------------------------------------------------------


def test_staff_filter_verified_and_unverified_reviews(staff_client, clock):
    common = {"quality": 5, "punctuality": 5, "attitude": 5,
              "service_date": datetime.date(2025, 10, 16)}  # fmt: skip
    employment = EmploymentFactory(enterprise__name="舟曲县核实测试家政公司")
    verified = review_submit(phone=PHONE, worker=employment.worker,
                             scanned_worker_ids=frozenset({employment.worker.pk}),
                             **common)  # fmt: skip
    other = EnterpriseFactory(name="舟曲县未核实测试公司")
    unverified = review_submit(phone=PHONE, enterprise=other, **common)
    assert verified.verified and not unverified.verified
    url = "/admin/reviews/servicereview/"
    html = staff_client.get(url).content.decode()
    assert "已核实服务" in html and "未核实（不计入信用）" in html
    only_verified = staff_client.get(url, {"verified": "yes"}).context["cl"].result_list
    only_unverified = staff_client.get(url, {"verified": "no"}).context["cl"].result_list
    assert list(only_verified) == [verified]
    assert list(only_unverified) == [unverified]
    detail = staff_client.get(f"{url}{unverified.pk}/change/").content.decode()
    assert "未核实：不计入信用评价" in detail
    detail = staff_client.get(f"{url}{verified.pk}/change/").content.decode()
    assert "扫码核验" in detail


def test_existing_reviews_are_marked_legacy_verified_by_the_migration():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("reviews.migrations.0003_review_verified_service")
    review = ServiceReview.objects.create(
        enterprise=EnterpriseFactory(), service_date=datetime.date(2025, 1, 1), quality=5,
        punctuality=5, attitude=5, phone_hash="x", phone_masked="139****0000",
    )  # fmt: skip
    migration.mark_existing_legacy(apps, None)
    review.refresh_from_db()
    assert (review.verified, review.proof_kind) == (True, "legacy")
