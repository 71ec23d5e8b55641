"""Placeholders in the catalogue are lowercase names, the same in a msgid and its msgstr."""

import re

import polib
import pytest
from django.utils import translation

from complaints.limits import ACCEPTANCE_DAYS
from complaints.timeline import Audience, _received
from core.i18n.catalogue import po_path

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def names(text: str) -> set[str]:
    return {percent or brace for percent, brace in PLACEHOLDER.findall(text)}


def test_every_placeholder_of_the_catalogue_is_a_lowercase_name():
    shouting = sorted(
        f"{name} in {entry.msgid!r}"
        for entry in polib.pofile(str(po_path("bo")))
        for name in names(entry.msgid) | names(entry.msgstr)
        if name != name.lower()
    )
    assert not shouting, "\n".join(shouting)


@pytest.mark.parametrize("language", ["zh-hans", "bo"])
@pytest.mark.parametrize("audience", list(Audience))
def test_the_received_line_gives_the_acceptance_days_in_each_language(language, audience):
    with translation.override(language):
        text = _received(audience, {"case_type": "complaint", "channel": "web"})
    assert f"{ACCEPTANCE_DAYS}" in text and "%(" not in text
