"""The state of a language's catalogue (locale/<lang>/LC_MESSAGES/django.po) against the
version a reviewer approved.

A catalogue's version is a hash of its translated entries (msgctxt, msgid, msgid_plural and
msgstr), independent of their order, of comments and of untranslated entries: re-running
`makemessages` does not change it, changing a translation does. The reviewed version is
recorded in settings.TRANSLATION_REVIEWED_VERSIONS; the reviewed entries themselves in
locale/<lang>/reviewed.json, so staff can see what changed since the review.
"""

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import polib
from django.conf import settings

CONTEXT_SEPARATOR = "\x04"
PLURAL_SEPARATOR = "\x00"


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def po_path(language: str) -> Path:
    return locale_dir() / language / "LC_MESSAGES" / "django.po"


def snapshot_path(language: str) -> Path:
    return locale_dir() / language / "reviewed.json"


def entry_key(entry: polib.POEntry) -> str:
    """An entry's identity: its context, msgid and plural msgid."""
    key = entry.msgid
    if entry.msgid_plural:
        key += PLURAL_SEPARATOR + entry.msgid_plural
    if entry.msgctxt:
        key = entry.msgctxt + CONTEXT_SEPARATOR + key
    return key


def entry_text(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return PLURAL_SEPARATOR.join(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
    return entry.msgstr


def _is_translated(entry: polib.POEntry) -> bool:
    return entry.translated() and not entry.obsolete


@dataclass(frozen=True)
class Catalogue:
    language: str
    translated: dict[str, str] = field(default_factory=dict)
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.translated) + len(self.untranslated)

    @property
    def version(self) -> str:
        return catalogue_hash(self.translated)


def catalogue_hash(translated: dict[str, str]) -> str:
    """The stable version of a set of translations: sha256 of the sorted pairs."""
    canonical = json.dumps(sorted(translated.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def catalogue_read(language: str) -> Catalogue:
    """The language's .po as it is now; an absent file is an empty catalogue."""
    return _catalogue_read(language, *_stamp(po_path(language)))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _catalogue_read(language: str, mtime_ns: int, size: int) -> Catalogue:
    path = po_path(language)
    if not mtime_ns and not size:
        return Catalogue(language)
    catalogue = Catalogue(language)
    for entry in polib.pofile(str(path)):
        if entry.obsolete or not entry.msgid:
            continue
        key = entry_key(entry)
        if "fuzzy" in entry.flags:
            catalogue.fuzzy.append(key)
        if _is_translated(entry):
            catalogue.translated[key] = entry_text(entry)
        else:
            catalogue.untranslated.append(key)
    return catalogue


def reviewed_version(language: str) -> str:
    return (getattr(settings, "TRANSLATION_REVIEWED_VERSIONS", {}) or {}).get(language, "")


def is_trial(language: str | None) -> bool:
    """Whether pages in this language are a trial translation: any language but the source
    whose current catalogue is not the reviewed version."""
    if not language or language == settings.LANGUAGE_CODE:
        return False
    return catalogue_read(language).version != reviewed_version(language)


# --- The reviewed snapshot -------------------------------------------------------------------


def snapshot_read(language: str) -> dict:
    try:
        return json.loads(snapshot_path(language).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"language": language, "version": "", "recorded_at": None, "entries": {}}


def snapshot_record(language: str) -> dict:
    """Write the current translations as the reviewed snapshot; returns it."""
    catalogue = catalogue_read(language)
    snapshot = {
        "language": language,
        "version": catalogue.version,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "entries": dict(sorted(catalogue.translated.items())),
    }
    path = snapshot_path(language)
    path.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return snapshot


@dataclass(frozen=True)
class Change:
    msgid: str
    reviewed: str
    current: str

    @property
    def label(self) -> str:
        """The msgid for reading: context and plural form set off by ' | '."""
        return self.msgid.replace(CONTEXT_SEPARATOR, " | ").replace(PLURAL_SEPARATOR, " | ")


@dataclass(frozen=True)
class Review:
    """What a reviewer has to look at: the current catalogue against the reviewed snapshot."""

    language: str
    catalogue: Catalogue
    snapshot_version: str
    recorded_at: str | None
    setting_version: str
    untranslated: list[Change]
    added: list[Change]  # translated since the review
    changed: list[Change]  # translation differs from the reviewed one
    removed: list[Change]  # reviewed, now untranslated or gone

    @property
    def is_trial(self) -> bool:
        return self.catalogue.version != self.setting_version

    @property
    def snapshot_matches_setting(self) -> bool:
        return bool(self.snapshot_version) and self.snapshot_version == self.setting_version


def review_compare(language: str) -> Review:
    catalogue = catalogue_read(language)
    snapshot = snapshot_read(language)
    reviewed: dict[str, str] = snapshot.get("entries", {})
    current = catalogue.translated
    return Review(
        language=language,
        catalogue=catalogue,
        snapshot_version=snapshot.get("version", ""),
        recorded_at=snapshot.get("recorded_at"),
        setting_version=reviewed_version(language),
        untranslated=[Change(k, reviewed.get(k, ""), "") for k in sorted(catalogue.untranslated)],
        added=[Change(k, "", current[k]) for k in sorted(current.keys() - reviewed.keys())],
        changed=[
            Change(k, reviewed[k], current[k])
            for k in sorted(current.keys() & reviewed.keys())
            if current[k] != reviewed[k]
        ],
        removed=[Change(k, reviewed[k], "") for k in sorted(reviewed.keys() - current.keys())],
    )


def translatable_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
