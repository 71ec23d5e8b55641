"""The 大字版 switch: a plain form on every public page that remembers large text in a cookie
and sends the reader back to the page they were on (never to another site)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_public_page_offers_the_switch(client):
    page = client.get("/complaints/new/").content.decode()
    assert 'action="/text-size/"' in page
    assert 'name="next" value="/complaints/new/"' in page
    assert ">大字版</button>" in page
    assert 'class="large-text"' not in page


def test_switching_on_remembers_large_text_and_returns_to_the_page(client):
    response = client.post("/text-size/", {"size": "large", "next": "/news/?page=2"})
    assert response.status_code == 302
    assert response.url == "/news/?page=2"
    cookie = response.cookies["text_size"]
    assert cookie.value == "large"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    page = client.get("/").content.decode()
    assert '<html lang="zh-Hans" class="large-text">' in page
    assert ">标准字号</button>" in page


def test_switching_off_forgets_the_choice(client):
    client.post("/text-size/", {"size": "large", "next": "/"})
    response = client.post("/text-size/", {"size": "normal", "next": "/"})
    assert response.cookies["text_size"].value == ""
    page = client.get("/").content.decode()
    assert 'class="large-text"' not in page
    assert ">大字版</button>" in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_the_switch_never_sends_the_reader_to_another_site(client, target):
    response = client.post("/text-size/", {"size": "large", "next": target})
    assert response.status_code == 302
    assert response.url == "/"


def test_the_switch_only_takes_a_form_post_with_its_token(client):
    assert client.get("/text-size/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/text-size/", {"size": "large", "next": "/"}).status_code == 403
