"""Every public page rendered in Tibetan shows no Chinese but data and the allow-list
(tests/visible_text.py): with a catalogue that translates every marked string, Chinese left on
a page is a string not marked for translation."""

import pytest
from django.conf import settings

from core.i18n.catalogue import catalogue_read
from tests.incentives.test_pages import county  # noqa: F401 (fixture)
from tests.project.test_redis_down import county_objects, sample_urls  # noqa: F401 (fixture)
from tests.visible_text import (
    Untranslated,
    data_texts,
    mark_every_bo_message,
    record_bo_messages,
)

pytestmark = pytest.mark.django_db

# Not pages: JSON, images, files, the switch's form target. The enterprise portal (/portal/)
# is the enterprises' Chinese work tool, not a page for residents or workers.
NOT_PAGES = ("/healthz", "/favicon.ico", "/text-size/")


def public_pages(county_objects):  # noqa: F811
    return [
        url
        for url in sample_urls(*county_objects)
        if url not in NOT_PAGES and not url.startswith("/portal/")
    ]


def test_every_public_page_in_tibetan_has_no_unmarked_chinese(
    client,
    monkeypatch,
    county_objects,  # noqa: F811
):
    mark_every_bo_message(monkeypatch)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bo"
    untranslated = Untranslated(data_texts())
    found = []
    for url in public_pages(county_objects):
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        found.extend(f"{url}: {line}" for line in untranslated(response.content.decode()))
    assert not found, "\n".join(found)


def test_every_string_of_the_public_pages_has_a_tibetan_translation(
    client,
    monkeypatch,
    county_objects,  # noqa: F811
):
    """With the real catalogue: every project msgid a public page looks up in bo has a
    msgstr (Django's own messages, not in the project's catalogue, fall back to Chinese)."""
    asked = record_bo_messages(monkeypatch)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bo"
    for url in public_pages(county_objects):
        client.get(url)
    catalogue = catalogue_read("bo")
    untranslated = sorted(asked & set(catalogue.untranslated))
    assert not untranslated, f"{len(untranslated)} without a msgstr:\n" + "\n".join(untranslated)
