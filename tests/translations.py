"""A test-only Tibetan catalogue: the real one is empty until a reviewed translation lands
(then Django shows the Chinese source), so tests that check a text is rendered in the
reader's language give the bo catalogue a few marked entries of their own."""

from django.utils import translation


def fake_bo_catalogue(monkeypatch, entries: dict[str, str]) -> None:
    catalogue = translation.trans_real.translation("bo")
    original = catalogue.gettext
    monkeypatch.setattr(
        catalogue, "gettext", lambda message: entries.get(message, original(message))
    )
