"""A resident who chose Tibetan stays in Tibetan through every public flow — the benefit
check, registration, booking, a review and following a complaint — on every page and in the
SMS they get. The test catalogue translates every marked string (tests/visible_text.py), so
any Chinese left is a string not marked for translation, or data."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from complaints.services.notify import notification_queue
from incentives.models import BookingRequest, Resident
from incentives.services import booking_accept
from registry.selectors import worker_ref
from registry.services.cards import card_issue
from tests.complaints.test_pages import form_data as complaint_form
from tests.factories.incentives import ResidentFactory
from tests.factories.registry import EmploymentFactory, make_id_number, township
from tests.incentives.test_bookings import (  # noqa: F401 (fixtures)
    NEW,
    book,
    catalogue,
    cleaning,
    enterprises,
)
from tests.visible_text import Untranslated, data_texts, mark_every_bo_message

pytestmark = pytest.mark.django_db

MOBILE = "13909415151"


@pytest.fixture
def tibetan(client, monkeypatch, sms):
    mark_every_bo_message(monkeypatch)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bo"
    return client


def in_tibetan(response) -> str:
    """The page, checked: rendered in bo and with no unmarked Chinese."""
    page = response.content.decode()
    assert '<html lang="bo">' in page, response.request["PATH_INFO"]
    leftovers = Untranslated(data_texts())(page)
    assert not leftovers, "\n".join(leftovers)
    return page


def sms_in_tibetan(sms, mobile: str) -> list[str]:
    bodies = [body for to, body in sms if to == mobile]
    assert bodies, f"no SMS to {mobile}"
    leftovers = [line for body in bodies for line in Untranslated(data_texts())(body)]
    assert not leftovers, "\n".join(leftovers)
    return bodies


def code_for(sms, mobile: str) -> str:
    return re.search(r"(\d{6})", [b for to, b in sms if to == mobile][-1]).group(1)


def ask_code(client, url, capture, **data):
    with capture(execute=True):
        return client.post(url, {"action": "send", "mobile": MOBILE, **data})


def test_the_benefit_check_stays_in_tibetan(tibetan, sms, django_capture_on_commit_callbacks):
    ResidentFactory(mobile=MOBILE, name="卓玛草")
    url = reverse("incentives:check")
    in_tibetan(tibetan.get(url))
    in_tibetan(ask_code(tibetan, url, django_capture_on_commit_callbacks))
    sms_in_tibetan(sms, MOBILE)
    result = tibetan.post(
        url, {"action": "verify", "mobile": MOBILE, "code": code_for(sms, MOBILE)}, follow=True
    )
    assert "卓玛草" in in_tibetan(result)
    # A wrong code: the error too.
    in_tibetan(tibetan.post(url, {"action": "verify", "mobile": MOBILE, "code": "12345"}))


def test_registration_stays_in_tibetan(tibetan, sms, django_capture_on_commit_callbacks):
    url = reverse("residents:register")
    in_tibetan(tibetan.get(url))
    in_tibetan(ask_code(tibetan, url, django_capture_on_commit_callbacks))
    sms_in_tibetan(sms, MOBILE)
    details = {
        "action": "register",
        "mobile": MOBILE,
        "name": "卓玛吉",
        "id_number": make_id_number(datetime.date(1971, 5, 6), sequence=151),
        "township": township().pk,
        "consent": "on",
        "website": "",
    }
    in_tibetan(tibetan.post(url, {**details, "code": "000001", "id_number": "123"}))
    done = tibetan.post(url, {**details, "code": code_for(sms, MOBILE)}, follow=True)
    in_tibetan(done)
    assert Resident.objects.get().name == "卓玛吉"


def test_a_booking_and_its_sms_stay_in_tibetan(
    tibetan,
    sms,
    django_capture_on_commit_callbacks,
    enterprises,  # noqa: F811
):
    in_tibetan(tibetan.get(NEW))
    in_tibetan(ask_code(tibetan, NEW, django_capture_on_commit_callbacks, kind="service"))
    with django_capture_on_commit_callbacks(execute=True):
        done = book(tibetan, code_for(sms, MOBILE), MOBILE)
    in_tibetan(done)
    booking = BookingRequest.objects.get()
    assert booking.language == "bo"
    in_tibetan(tibetan.get(reverse("bookings:mine")))
    # Accepted by an enterprise in the back office (Chinese): the resident reads Tibetan.
    sms.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(actor=None, enterprise=enterprises["aaa"], offer=booking.offers.get(tier=0))
    (accepted,) = sms_in_tibetan(sms, MOBILE)
    assert booking.number in accepted and enterprises["aaa"].name in accepted


def test_a_chinese_booking_sms_stays_chinese(
    client,
    sms,
    django_capture_on_commit_callbacks,
    enterprises,  # noqa: F811
):
    ask_code(client, NEW, django_capture_on_commit_callbacks, kind="service")
    with django_capture_on_commit_callbacks(execute=True):
        book(client, code_for(sms, MOBILE), MOBILE)
    assert BookingRequest.objects.get().language == "zh-hans"
    assert any("预约已提交" in body for to, body in sms if to == MOBILE)


def test_a_review_stays_in_tibetan(tibetan, sms, django_capture_on_commit_callbacks):
    employment = EmploymentFactory()
    card = card_issue(actor=None, employment=employment, warnings_confirmed=True)
    in_tibetan(tibetan.get(reverse("verify", args=[card.token])))
    url = reverse("reviews:new")
    data = {
        "phone": MOBILE,
        "worker": worker_ref(employment.worker),
        "enterprise": employment.enterprise.pk,
        "service_date": (datetime.date.today() - datetime.timedelta(days=2)).isoformat(),
        "quality": "5",
        "punctuality": "4",
        "attitude": "5",
        "comment": "",
    }
    in_tibetan(tibetan.get(url, {"worker": worker_ref(employment.worker)}))
    in_tibetan(tibetan.post(url, {"phone": "12345", "action": "submit"}))  # errors
    with django_capture_on_commit_callbacks(execute=True):
        in_tibetan(tibetan.post(url, {**data, "action": "send"}))
    sms_in_tibetan(sms, MOBILE)
    thanks = tibetan.post(url, {**data, "action": "submit", "code": code_for(sms, MOBILE)})
    assert thanks.status_code == 302, thanks.content.decode()[:2000]
    in_tibetan(tibetan.get(thanks.url))


def test_following_a_complaint_stays_in_tibetan(tibetan, django_capture_on_commit_callbacks):
    new = reverse("complaints:new")
    in_tibetan(tibetan.get(new))
    in_tibetan(tibetan.post(new, {"phone": "1"}))  # the form with its errors
    with django_capture_on_commit_callbacks(execute=True):
        submitted = tibetan.post(new, complaint_form(phone=MOBILE))
    assert submitted.status_code == 302
    in_tibetan(tibetan.get(submitted.url))
    from complaints.models import Complaint

    complaint = Complaint.objects.get()
    assert complaint.language == "bo"
    notification_queue(complaint=complaint, event="closed")
    track = reverse("complaints:track")
    in_tibetan(tibetan.get(track))
    result = tibetan.post(track, {"tracking_number": complaint.tracking_number, "phone": MOBILE})
    assert result.status_code == 302
    page = in_tibetan(tibetan.get(result.url))
    assert complaint.tracking_number in page.replace(" ", "")
    for body in complaint.notifications.values_list("body", flat=True):
        assert not Untranslated(data_texts())(body), body
