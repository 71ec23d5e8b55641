"""What a reader sees of an HTML page, and the Chinese left in it once every marked string
is translated: the Tibetan catalogue's coverage check (tests/project/test_translation_coverage.py).

A test-only catalogue translates every msgid by turning its Han characters into a Tibetan
letter (placeholders, digits and punctuation kept), so any Han text still on a page rendered in
bo was never marked for translation — unless it is data (names typed by staff or residents,
the seeded townships and service catalogue) or on the documented allow-list below.
"""

import re
from html.parser import HTMLParser

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MARK = "ཀ"

# Han text a Tibetan page keeps on purpose. Each entry is removed from the page text before
# the check; keep the list short and say why.
ALLOWED = (
    "信易+家政",  # the programme's name, kept beside its Tibetan rendering
    "试译，以中文为准",  # the trial banner's Chinese line (shown in both languages)
    "中文",  # the language switch offers Chinese by its own name
)
# Whole text nodes allowed: the logo's mark.
ALLOWED_NODES = {"信"}

# Attributes a reader sees or hears (screen readers read aria-label and title).
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1
            return
        values = dict(attrs)
        for name in VISIBLE_ATTRIBUTES & values.keys():
            self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in BUTTON_INPUTS:
            self.parts.append(values.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        if tag not in HIDDEN_ELEMENTS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    """The page's text nodes and visible attributes, in document order."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.parts


def data_texts() -> set[str]:
    """Every text value stored in the database: names, addresses, titles, the seeded catalogue.
    Data is shown as entered; only the page's own words must be translated."""
    texts: set[str] = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            texts.update(value for value in row if isinstance(value, str) and HAN.search(value))
    return texts


class Untranslated:
    """Finds the runs of Han characters a reader of a bo page sees that are neither data nor
    allowed. A run left after taking out the data values is still data when it is the start
    of one cut short (followed by …), a whole line of one (a multi-line text) or a masked
    name (卓*0)."""

    def __init__(self, data: set[str]):
        # The SMS signature registered with the carrier heads every text, never translated.
        allowed = set(ALLOWED) | {settings.SMS_SIGNATURE}
        values = sorted(data | allowed, key=len, reverse=True)
        self.known = re.compile("|".join(re.escape(value) for value in values)) if values else None
        self.starts = {value[:n] for value in data for n in range(2, min(len(value), 40) + 1)}
        self.lines = {line.strip() for value in data for line in value.splitlines()}

    def _shortened(self, text: str, match: re.Match) -> bool:
        after = text[match.end() : match.end() + 3]
        return match.group() in self.starts and after.startswith(("…", "..."))

    def _masked(self, text: str, match: re.Match, part: str) -> bool:
        """A name shown masked (卓*0, 王**): its first character is a data value's."""
        return text[match.end() : match.end() + 1] == "*" and any(
            value.startswith(match.group()) for value in self.lines
        )

    def __call__(self, html: str) -> list[str]:
        found = []
        for part in visible_text(html):
            if part in ALLOWED_NODES or part in self.lines:
                continue
            text = self.known.sub(" ", part) if self.known else part
            found.extend(
                f"{match.group()}  ←  {part[:120]}"
                for match in HAN.finditer(text)
                if not self._shortened(text, match) and not self._masked(text, match, part)
            )
        return found


def _mark(message: str) -> str:
    return HAN.sub(lambda match: MARK * len(match.group()), message)


def mark_every_bo_message(monkeypatch) -> set[str]:
    """Give bo a catalogue that translates everything (Han → a Tibetan letter), over the real
    one and its Chinese fallback. Returns the set that collects every msgid looked up."""
    catalogue = translation.trans_real.translation("bo")
    gettext, ngettext = catalogue.gettext, catalogue.ngettext
    asked: set[str] = set()

    def marked_gettext(message):
        asked.add(message)
        result = gettext(message)
        if "\x04" in result:  # pgettext: no entry with this context; keep the message
            result = result.split("\x04", 1)[1]
        return _mark(result)

    def marked_ngettext(singular, plural, number):
        asked.add(singular)
        return _mark(ngettext(singular, plural, number))

    monkeypatch.setattr(catalogue, "gettext", marked_gettext)
    monkeypatch.setattr(catalogue, "ngettext", marked_ngettext)
    return asked


def record_bo_messages(monkeypatch) -> set[str]:
    """Leave the bo catalogue as it is, and collect every msgid looked up through it."""
    catalogue = translation.trans_real.translation("bo")
    gettext, ngettext = catalogue.gettext, catalogue.ngettext
    asked: set[str] = set()

    def recording_gettext(message):
        asked.add(message)
        return gettext(message)

    def recording_ngettext(singular, plural, number):
        asked.add(singular)
        return ngettext(singular, plural, number)

    monkeypatch.setattr(catalogue, "gettext", recording_gettext)
    monkeypatch.setattr(catalogue, "ngettext", recording_ngettext)
    return asked
