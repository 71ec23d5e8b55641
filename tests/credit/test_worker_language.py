"""A worker who chose Tibetan reads their own credit record in Tibetan: every page of it
(tests/visible_text.py: the test catalogue translates every marked string)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.credit.worker_sign_in import OUR_MOBILE, verify
from tests.visible_text import Untranslated, data_texts, mark_every_bo_message

pytestmark = pytest.mark.django_db


def test_the_workers_record_pages_are_in_tibetan(
    client, monkeypatch, rated_workers, sms, django_capture_on_commit_callbacks
):
    mark_every_bo_message(monkeypatch)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bo"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workers:sign_in"), {"action": "send", "mobile": OUR_MOBILE})
    code = re.search(r"(\d{6})", sms[-1][1]).group(1)
    assert verify(client, OUR_MOBILE, code).status_code == 302
    rating = rated_workers["rating"]
    untranslated = Untranslated(data_texts())
    found = []
    for url in (
        reverse("workers:record"),
        reverse("workers:rating", args=[rating.pk]),
        reverse("workers:objection_new", args=[rating.pk]),
        reverse("workers:repair_new", args=[rated_workers["penalty"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<html lang="bo">' in page
        found += [f"{url}: {line}" for line in untranslated(page)]
    assert not found, "\n".join(found)
