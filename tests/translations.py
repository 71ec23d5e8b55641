"""A test-only Tibetan catalogue: tests that check a text is rendered in the reader's
language give the bo catalogue a few entries of their own, so they do not depend on the
wording of the trial translation, which a reviewer may change."""

from django.utils import translation


def fake_bo_catalogue(monkeypatch, entries: dict[str, str]) -> None:
    catalogue = translation.trans_real.translation("bo")
    original = catalogue.gettext
    monkeypatch.setattr(
        catalogue, "gettext", lambda message: entries.get(message, original(message))
    )
