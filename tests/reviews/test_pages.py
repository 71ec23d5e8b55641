"""The public review pages: /reviews/new/ and the thank-you page."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.notifications import MemorySmsBackend
from credit.models import CreditEvent
from registry.selectors import worker_ref
from reviews.models import ServiceReview
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    WorkerFactory,
)
from tests.reviews.conftest import last_code, scannable_card

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 10, 20, 10, tzinfo=datetime.UTC)
URL = "/reviews/new/"
CJK = re.compile(r"[\u4e00-\u9fff]")


CLOCK = []


@pytest.fixture(autouse=True)
def _october_2025(sms, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False) as traveller:
        CLOCK[:] = [traveller, django_capture_on_commit_callbacks]
        yield
    CLOCK.clear()


def with_code(client, data: dict) -> dict:
    """Ask for the SMS code of data's phone (a minute after the last one, as a resident
    would) and return the data to submit with it."""
    CLOCK[0].shift(61)
    with CLOCK[1](execute=True):  # the SMS leaves once the transaction has committed
        client.post(URL, {**data, "action": "send"})
    return {**data, "action": "submit", "code": last_code(MemorySmsBackend.outbox)}


def post_review(client, data: dict):
    return client.post(URL, with_code(client, data))


def form_data(**overrides) -> dict:
    return {
        "phone": "13909417777",
        "service_date": "2025-10-08",
        "quality": "5",
        "punctuality": "4",
        "attitude": "5",
        "comment": "准时上门，做事细致。",
        **overrides,
    }


def error_messages(response) -> list[str]:
    form = response.context["form"]
    return [message for errors in form.errors.values() for message in errors]


def test_the_url_is_stable_and_linked_from_the_home_page(client):
    assert reverse("reviews:new") == URL
    html = client.get("/").content.decode()
    assert f'href="{URL}"' in html and "服务评价" in html


def test_the_form_is_chinese_has_big_score_radios_and_loads_nothing_from_elsewhere(client):
    EnterpriseFactory(name="舟曲县巧手家政服务部")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("服务评价", "服务质量", "准时守约", "服务态度", "您的手机号码", "提交评价"):
        assert text in html
    assert "舟曲县巧手家政服务部" in html
    assert html.count('type="radio"') == 15
    assert "reviews.css" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script" not in html


def test_a_worker_link_shows_the_masked_name_and_employer_and_prefills_the_enterprise(client):
    employment = EmploymentFactory(worker=WorkerFactory(name="扎西卓玛", phone="13809410002"),
                                   enterprise=EnterpriseFactory(name="舟曲县安心家政"))  # fmt: skip
    worker = employment.worker
    ref = worker_ref(worker)
    response = client.get(URL, {"worker": ref})
    html = response.content.decode()
    assert "扎**玛" in html and "扎西卓玛" not in html
    assert "所在企业：舟曲县安心家政" in html
    assert worker.id_number_masked not in html and worker.id_last4 not in html
    assert "13809410002" not in html
    assert f'name="worker" value="{ref}"' in html
    # A bare id, as anyone could guess, names nobody.
    assert "扎**玛" not in client.get(URL, {"worker": worker.pk}).content.decode()
    assert re.search(rf'<option value="{employment.enterprise.pk}" selected>', html)


def test_an_enterprise_link_preselects_it_and_unknown_ids_are_ignored(client):
    enterprise = EnterpriseFactory()
    html = client.get(URL, {"enterprise": enterprise.pk}).content.decode()
    assert re.search(rf'<option value="{enterprise.pk}" selected>', html)
    for params in ({"worker": "999999"}, {"enterprise": "abc"}, {"worker": "1" * 30}):
        assert client.get(URL, params).status_code == 200


def test_a_review_is_submitted_then_thanked_post_redirect_get(client):
    employment = EmploymentFactory()
    category = ServiceCategoryFactory(name="测试保洁项目")
    data = form_data(worker=worker_ref(employment.worker), enterprise=employment.enterprise.pk,
                     service_category=category.pk, reviewer_name="王阿姨")  # fmt: skip
    # The resident verified the worker's card on this phone first: a real service.
    assert client.get(f"/verify/{scannable_card(employment).token}/").status_code == 200
    response = post_review(client, data)
    assert response.status_code == 302
    assert response.url == reverse("reviews:thanks")

    review = ServiceReview.objects.get()
    assert (review.worker, review.enterprise) == (employment.worker, employment.enterprise)
    assert review.service_category == category
    assert (review.quality, review.punctuality, review.attitude) == (5, 4, 5)
    assert review.phone_masked == "139****7777"
    assert CreditEvent.objects.filter(source_ref=f"review:{review.pk}").count() == 2

    html = client.get(response.url).content.decode()
    assert "感谢您的评价" in html
    assert employment.enterprise.name in html
    # The message is shown once; a reload shows the plain thank-you.
    assert employment.enterprise.name not in client.get(response.url).content.decode()


def test_missing_answers_are_explained_in_chinese(client):
    response = client.post(URL, {"phone": "12345"})
    assert response.status_code == 200
    messages = error_messages(response)
    assert messages and all(CJK.search(m) for m in messages)
    html = response.content.decode()
    assert "提交没有成功" in html and 'href="#id_phone"' in html
    assert "手机号码应为11位数字" in html
    assert "请为这一项打分" in html
    assert "请选择被评价的家政企业" in html
    assert not ServiceReview.objects.exists()


def test_a_service_refusal_is_shown_on_the_form(client):
    enterprise = EnterpriseFactory()
    assert post_review(client, form_data(enterprise=enterprise.pk)).status_code == 302
    response = post_review(client, form_data(enterprise=enterprise.pk))
    assert response.status_code == 200
    assert "30天内已经评价过这家企业" in response.content.decode()

    response = post_review(client, form_data(enterprise=enterprise.pk, service_date="2025-10-21"))
    assert "服务日期不能晚于今天" in response.content.decode()
    assert ServiceReview.objects.count() == 1


def test_the_honeypot_thanks_a_bot_and_saves_nothing(client):
    enterprise = EnterpriseFactory()
    response = client.post(URL, form_data(enterprise=enterprise.pk, website="http://spam"))
    assert response.status_code == 302
    assert not ServiceReview.objects.exists()


def test_the_phone_limit_shows_a_message_instead_of_an_error_page(client, settings):
    settings.COMPLAINT_RATE_PER_PHONE = "2/d"
    for _ in range(2):
        post_review(client, form_data(enterprise=EnterpriseFactory().pk))
    assert ServiceReview.objects.count() == 2
    # The same number written differently shares the limit.
    response = post_review(client, form_data(enterprise=EnterpriseFactory().pk,
                                             phone="139 0941 7777"))  # fmt: skip
    assert response.status_code == 429
    html = response.content.decode()
    assert "提交过于频繁，请稍后再试" in html
    assert "准时上门，做事细致。" in html  # what was typed is kept
    assert ServiceReview.objects.count() == 2
    # Another phone is not limited.
    response = post_review(client, form_data(enterprise=EnterpriseFactory().pk,
                                             phone="13909418888"))  # fmt: skip
    assert response.status_code == 302


def test_the_address_limit(client, settings):
    settings.COMPLAINT_RATE_PER_IP = "2/h"
    for n in range(2):
        post_review(client, form_data(enterprise=EnterpriseFactory().pk, phone=f"1390941000{n}"))
    response = post_review(client, form_data(enterprise=EnterpriseFactory().pk,
                                             phone="13909410009"))  # fmt: skip
    assert response.status_code == 429
    assert ServiceReview.objects.count() == 2


FIELDS = ["phone", "reviewer_name", "enterprise", "worker", "service_date", "service_category",
          "quality", "punctuality", "attitude", "comment"]  # fmt: skip
anything = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-+ ", max_size=25),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(str),
    st.sampled_from(["", "0", "5", "6", "１", "2025-02-30", "13909417777", "\x00", "a" * 600]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(FIELDS), anything))
def test_bad_input_never_gives_a_server_error_and_is_always_explained_in_chinese(
    client, settings, data
):
    settings.COMPLAINT_RATE_PER_IP = "10000/h"
    settings.COMPLAINT_RATE_PER_PHONE = "10000/d"
    response = client.post(URL, data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        messages = error_messages(response)
        assert messages
        assert all(CJK.search(message) for message in messages), messages
