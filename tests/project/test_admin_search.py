"""A full ID number or mobile number typed into an admin search box never reaches a URL
(the web server's access log, the browser history) nor the logs: the box posts, the number
becomes a keyed-hash token, and the list searches with it."""

import datetime
import logging
from urllib.parse import unquote

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import WorkerFactory, make_id_number

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(datetime.date(1979, 5, 4), sequence=321)
MOBILE = "13993412876"
WORKERS = "/admin/registry/worker/"
COMPLAINTS = "/admin/complaints/complaint/"


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def search(client, changelist: str, term: str, **extra):
    return client.post(reverse("admin:protected_search"), {"next": changelist, "q": term, **extra})


def assert_nowhere(number: str, *texts: str) -> None:
    for text in texts:
        assert number not in unquote(text)
        assert number[-8:] not in unquote(text)


def test_every_admin_search_box_posts_instead_of_putting_the_term_in_the_url(staff_client):
    searchable = [
        model for model, model_admin in admin.site._registry.items() if model_admin.search_fields
    ]
    assert len(searchable) > 30
    for model in searchable:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        html = staff_client.get(url).content.decode()
        assert '<form id="changelist-search" method="post" action="/admin/search/"' in html, url


def test_a_worker_is_found_by_id_number_without_it_in_a_url_or_the_logs(
    staff_client, everything_logged
):
    worker = WorkerFactory(id_number=ID_NUMBER, name="拉姆草")
    WorkerFactory(name="另一位")
    response = search(staff_client, WORKERS, ID_NUMBER)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(WORKERS + "?") and "q=id-" in location
    page = staff_client.get(location)
    html = page.content.decode()
    assert page.status_code == 200
    assert "拉姆草" in html and "另一位" not in html
    assert "已按完整号码查询" in html
    assert_nowhere(ID_NUMBER, location, html, everything_logged.text)
    # A colleague opening the same link (no number in their session) finds it by the hash.
    colleague = Client()
    colleague.force_login(staff_client.user)
    html = colleague.get(location).content.decode()
    assert "拉姆草" in html and "另一位" not in html
    assert worker.pk


def test_a_mobile_number_becomes_a_token_too_and_finds_the_complaint(
    staff_client, everything_logged
):
    mine = ComplaintFactory(phone=MOBILE)
    other = ComplaintFactory(phone="13909410077")
    response = search(staff_client, COMPLAINTS, MOBILE, o="1")
    location = response["Location"]
    assert "q=mobile-" in location and "o=1" in location  # the list's other settings stay
    html = staff_client.get(location).content.decode()
    assert mine.tracking_number in html and other.tracking_number not in html
    assert_nowhere(MOBILE, location, html, everything_logged.text)


def test_other_text_is_searched_as_typed(staff_client):
    WorkerFactory(name="拉姆草")
    WorkerFactory(name="另一位")
    location = search(staff_client, WORKERS, "拉姆")["Location"]
    assert unquote(location) == WORKERS + "?q=拉姆"
    html = staff_client.get(location).content.decode()
    assert "拉姆草" in html and "另一位" not in html


def test_search_redirects_only_into_the_admin_and_only_on_post(staff_client):
    assert search(staff_client, "https://evil.example.com/", "x")["Location"] == "/admin/?q=x"
    assert staff_client.get(reverse("admin:protected_search")).status_code == 405


def test_search_needs_a_staff_login(client):
    response = search(client, WORKERS, ID_NUMBER)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert_nowhere(ID_NUMBER, response["Location"])
