"""Complaints and reviews that name an agreement: a number matching the mobile ties the case
to the agreement's enterprise, worker and service; one that does not is refused with a clear
message and nothing typed is lost."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from agreements.selectors import CASE_MISMATCH
from complaints.models import Complaint
from complaints.services import complaint_submit
from credit.models import CreditEvent
from registry.models import Township
from reviews.models import ServiceReview

from .conftest import CUSTOMER_MOBILE, last_code

pytestmark = pytest.mark.django_db

COMPLAINT_URL = "/complaints/new/"
REVIEW_URL = "/reviews/new/"


def complaint_data(**overrides) -> dict:
    data = {
        "submission_token": "a" * 32,
        "complainant_name": "马桂兰",
        "phone": CUSTOMER_MOBILE,
        "email": "",
        "township": Township.objects.order_by("sort_order").first().pk,
        "agreement_number": "",
        "enterprise_query": "",
        "enterprise_choice": "",
        "service_date": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
        "service_category": "",
        "category": "substandard",
        "description": "约好的四小时保洁只做了两个小时就走了，厨房没打扫。",
        "desired_outcome": "退还一半费用",
        "consent": "on",
        "homepage": "",
    }
    data.update(overrides)
    return data


def review_data(**overrides) -> dict:
    data = {
        "phone": CUSTOMER_MOBILE,
        "service_date": datetime.date.today().isoformat(),
        "quality": "5",
        "punctuality": "4",
        "attitude": "5",
        "comment": "准时上门，做事细致。",
    }
    data.update(overrides)
    return data


def test_a_complaint_with_the_agreement_number_is_tied_to_it(client, shop, sms):
    agreement = shop.issue()
    page = client.get(f"{COMPLAINT_URL}?agreement={agreement.number}").content.decode()
    assert agreement.number in page and "服务约定编号" in page
    response = client.post(COMPLAINT_URL, complaint_data(agreement_number=agreement.number.lower()))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.service_agreement == agreement
    assert complaint.enterprise == shop.enterprise
    assert complaint.worker == shop.worker
    assert complaint.service_category == shop.cleaning


def test_a_complaint_whose_number_does_not_match_the_mobile_is_refused(client, shop, sms):
    agreement = shop.issue()
    response = client.post(
        COMPLAINT_URL, complaint_data(agreement_number=agreement.number, phone="13899410000")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert CASE_MISMATCH in content
    assert "约好的四小时保洁只做了两个小时就走了" in content  # nothing typed is lost
    assert not Complaint.objects.exists()


def test_without_a_number_the_enterprise_is_still_asked_for(client, db):
    response = client.post(COMPLAINT_URL, complaint_data())
    assert "请填写被投诉的家政企业，或填写服务约定编号。" in response.content.decode()


def test_the_complaint_service_refuses_an_agreement_of_another_mobile(shop, sms):
    agreement = shop.issue()
    with pytest.raises(ValidationError) as refused:
        complaint_submit(
            **{
                k: v
                for k, v in complaint_data(phone="13899410000").items()
                if k
                in (
                    "submission_token",
                    "complainant_name",
                    "phone",
                    "category",
                    "description",
                    "desired_outcome",
                )
            },
            township=shop.township,
            service_date=datetime.date.today(),
            service_agreement=agreement,
        )
    assert refused.value.message_dict["agreement_number"] == [CASE_MISMATCH]


def test_a_review_with_the_agreement_number_is_tied_to_it_and_verified(client, shop, sms):
    agreement = shop.issue()
    page = client.get(f"{REVIEW_URL}?agreement={agreement.number}").content.decode()
    assert agreement.number in page
    data = review_data(agreement_number=agreement.number)
    # The review comes after the service, not within the minute of the agreement's code.
    with time_machine.travel(datetime.timedelta(minutes=2)):
        with shop.capture(execute=True):
            client.post(REVIEW_URL, {**data, "action": "send"})
        response = client.post(REVIEW_URL, {**data, "code": last_code(sms)})
    assert response.status_code == 302, response.context["form"].errors
    review = ServiceReview.objects.get()
    assert review.service_agreement == agreement
    assert (review.enterprise, review.worker) == (shop.enterprise, shop.worker)
    assert review.service_category == shop.cleaning
    assert (review.verified, review.proof_kind) == (True, "agreement")
    assert agreement.number in review.proof_ref
    assert CreditEvent.objects.filter(source_ref=f"review:{review.pk}").count() == 2


def test_a_review_whose_number_does_not_match_the_mobile_is_refused(client, shop, sms):
    agreement = shop.issue()
    response = client.post(
        REVIEW_URL, review_data(agreement_number=agreement.number, phone="13899410000")
    )
    content = response.content.decode()
    assert CASE_MISMATCH in content
    assert "准时上门，做事细致。" in content
    assert not ServiceReview.objects.exists()
    malformed = client.post(REVIEW_URL, review_data(agreement_number="XY123"))
    assert "约定编号应为FW开头的16位编号" in malformed.content.decode()
