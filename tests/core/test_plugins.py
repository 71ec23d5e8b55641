from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.plugins import Registry
from core.portal import PORTAL_CARDS, PORTAL_PAGES
from core.public_sections import PUBLIC_SECTIONS
from registry.dossier import DOSSIER_SECTIONS
from registry.verification import VERIFICATION_CHECKS
from registry.views import MEDIA_PERMISSIONS


@dataclass(frozen=True)
class Entry:
    key: str
    order: int = 100


def test_entries_come_in_order_then_key():
    registry = Registry("probe")
    registry.register(Entry("b", order=20))
    registry.register(Entry("c"))
    registry.register(Entry("a", order=20))
    registry.register("plain", key="z", order=5)
    assert registry.ordered_keys() == ["z", "a", "b", "c"]
    assert registry.entries()[0] == "plain"
    assert "a" in registry and len(registry) == 4


def test_a_key_registered_twice_is_refused():
    registry = Registry("probe")
    registry.register(Entry("a"))
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register(Entry("a", order=1))
    registry.unregister("a")
    registry.register(Entry("a", order=1))
    assert registry.ordered_keys() == ["a"]


def test_an_entry_needs_a_key():
    with pytest.raises(ImproperlyConfigured):
        Registry("probe").register(object())


def test_the_apps_fill_the_registries_at_start_up():
    assert ("enterprise", "profile") in DOSSIER_SECTIONS
    assert ("enterprise", "profile") in DOSSIER_SECTIONS
    assert {"dossier", "credit", "complaints", "incentives"} <= set(PORTAL_CARDS.ordered_keys())
    pages = PORTAL_PAGES.ordered_keys()
    assert pages[:5] == ["profile", "offerings", "qualifications", "complaints", "workers"]
    assert "credit" in VERIFICATION_CHECKS
    assert "complaints/" in MEDIA_PERMISSIONS and "workers/health/" in MEDIA_PERMISSIONS
    assert PUBLIC_SECTIONS.ordered_keys() == [
        "credit:lookup",
        "credit:honor_roll",
        "credit:standard",
        "credit:publicity",
        "services:standards",
        "credit:penalties",
        "credit:key_list",
        "inspections:list",
        "incentives:catalogue",
        "residents:register",
        "bookings:new",
        "complaints:new",
        "complaints:report",
        "complaints:track",
        "reviews:new",
        "agreements:verify",
        "news:list",
        "workers:sign_in",
        "portal:login",
    ]
