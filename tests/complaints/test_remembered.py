"""The cases a browser may open again, kept in a signed cookie rather than a session."""

import json

import pytest
from django.conf import settings
from django.core import signing
from django.test import RequestFactory

from complaints import remembered
from complaints.models import Complaint
from tests.complaints.test_pages import NEW, TRACK, form_data
from tests.factories.complaints import ComplaintFactory

pytestmark = pytest.mark.django_db

SUBMITTED = "/complaints/submitted/"


def forged(state: dict) -> str:
    """A cookie a visitor wrote themselves: signed with another key."""
    return signing.get_cookie_signer(salt=remembered.COOKIE + remembered.COOKIE_SALT).sign(
        json.dumps(state)
    )


def test_a_submission_is_acknowledged_without_a_session(client):
    response = client.post(NEW, form_data())
    complaint = Complaint.objects.get()
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    cookie = response.cookies[remembered.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert complaint.tracking_number not in cookie.value  # only the case's id
    page = client.get(response.url).content.decode()
    assert f'data-tracking-number="{complaint.tracking_number}"' in page
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_a_cookie_edited_by_the_visitor_opens_nothing(client):
    other = ComplaintFactory()
    client.cookies[remembered.COOKIE] = json.dumps({"s": other.pk, "t": [other.pk]})
    assert client.get(SUBMITTED).status_code == 302
    page = client.get(f"{TRACK}?n={other.tracking_number}").content.decode()
    assert f'data-tracking-number="{other.tracking_number}"' not in page
    with settings_secret("another-key-" + "x" * 40):
        client.cookies[remembered.COOKIE] = forged({"s": other.pk, "t": [other.pk]})
    assert client.get(SUBMITTED).status_code == 302


def test_a_look_up_is_remembered_for_the_tracking_page(client):
    complaint = ComplaintFactory(phone="13909413333")
    response = client.post(
        TRACK, {"tracking_number": complaint.tracking_number, "phone": "13909413333"}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert f'data-tracking-number="{complaint.tracking_number}"' in page


def test_only_the_newest_cases_are_kept(client):
    first = None
    for index in range(remembered.KEPT + 2):
        response = client.post(NEW, form_data(token=f"{index:032d}", phone=f"139094100{index:02d}"))
        assert response.status_code == 302
        first = first or Complaint.objects.get(submission_token=f"{index:032d}")
    request = RequestFactory().get(TRACK)
    request.COOKIES[remembered.COOKIE] = client.cookies[remembered.COOKIE].value
    state = {"t": remembered.tracked_ids(request), "s": remembered.submitted_id(request)}
    assert len(state["t"]) == remembered.KEPT
    assert first.pk not in state["t"]
    assert state["s"] == state["t"][0]


def test_cases_kept_in_the_session_by_earlier_versions_still_open(client):
    complaint = ComplaintFactory()
    session = client.session
    session[remembered.SESSION_KEY] = [complaint.pk]
    session.save()
    page = client.get(f"{TRACK}?n={complaint.tracking_number}").content.decode()
    assert f'data-tracking-number="{complaint.tracking_number}"' in page


class settings_secret:
    """Sign with another SECRET_KEY for the block (a visitor's own signer)."""

    def __init__(self, key: str):
        self.key = key

    def __enter__(self):
        from django.test import override_settings

        self.override = override_settings(SECRET_KEY=self.key)
        self.override.enable()

    def __exit__(self, *exc):
        self.override.disable()
