"""Hostile addresses and form bodies never give a server error.

Every URL pattern is found by walking the URL resolver, so a pattern added tomorrow is
covered without anyone remembering it.

- Control characters anywhere in the path or the query of any pattern (admin included) are
  refused with 400 before a view runs (a NUL reached PostgreSQL and gave 500).
- Random text, huge numbers and control characters in every path parameter and query value
  of the public patterns: HOSTILE_URL_REQUESTS requests in all (10,000 by default), split
  over the patterns. The portal's patterns get HOSTILE_PORTAL_EXAMPLES each (20), as a
  logged-in enterprise: a portal page costs several times a public one.
- Control characters in every field of every public form (found on the pages themselves)
  give a page with a form error, never a 500.
"""

import math
import os
import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.models import WorkerCard
from registry.services.cards import card_issue
from tests.articles.test_news import article
from tests.factories.registry import EmploymentFactory
from tests.portal_fixtures import portal_user

pytestmark = pytest.mark.django_db

REQUESTS = int(os.environ.get("HOSTILE_URL_REQUESTS", "10000"))
PORTAL_EXAMPLES = int(os.environ.get("HOSTILE_PORTAL_EXAMPLES", "20"))
CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"]
QUERY_KEYS = ["n", "q", "page", "kind", "year", "worker", "enterprise", "next", "token", "o"]
PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?[^()]*\)")


def routes(patterns=None, prefix=""):
    """(route, kind) of every URL pattern; kind is admin, portal or public. A route keeps
    Django's `<converter:name>` placeholders; regular expressions become `<str:…>`."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RegexPattern):
            text = REGEX_GROUP.sub("<str:part>", pattern._regex)
            text = text.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        else:
            assert isinstance(pattern, RoutePattern)
            text = str(pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + text)
        else:
            route = prefix + text
            kind = route.split("/")[0] if route.startswith(("admin/", "portal/")) else "public"
            yield route, kind


ROUTES = sorted(set(routes()))
PUBLIC = [route for route, kind in ROUTES if kind == "public"]
PORTAL = [route for route, kind in ROUTES if kind == "portal"]


def fill(route: str, values) -> str:
    """The path of `route` with its placeholders replaced, percent-encoded, in order."""
    values = iter(values)
    return "/" + PLACEHOLDER.sub(lambda m: quote(next(values), safe=""), route)


def placeholders(route: str) -> int:
    return len(PLACEHOLDER.findall(route))


def with_control(text: str, control: str, at: int) -> str:
    at = at % (len(text) + 1)
    return text[:at] + control + text[at:]


def test_the_walk_finds_every_kind_of_pattern():
    kinds = {kind for _, kind in ROUTES}
    assert kinds == {"admin", "portal", "public"}
    assert "verify/<str:token>/photo/" in PUBLIC and "complaints/track/" in PUBLIC
    assert len(ROUTES) > 400


def test_control_characters_in_any_address_are_refused(admin_client):
    """Every pattern, logged in as a superuser so that a view would run if the gate failed;
    the control characters rotate over the patterns."""
    not_refused = []
    for index, (route, _kind) in enumerate(ROUTES):
        control = CONTROLS[index % len(CONTROLS)]
        count = placeholders(route)
        paths = [fill(route, [with_control("ab", control, 1)] * count)] if count else []
        plain = fill(route, ["1"] * count)
        requests = [(path, {}) for path in paths] + [
            (plain, {QUERY_KEYS[index % len(QUERY_KEYS)]: "张" + control}),
            (plain, {"x" + control: "1"}),
        ]
        for path, query in requests:
            if admin_client.get(path, query).status_code != 400:
                not_refused.append((path, query))
    assert not not_refused


@pytest.fixture
def county():
    employment = EmploymentFactory()
    card = card_issue(actor=None, employment=employment, warnings_confirmed=True)
    item = article()
    return {
        "int": [str(employment.enterprise.pk), str(employment.worker.pk), str(item.pk), "2025"],
        "str": [card.token, WorkerCard.objects.get().token],
    }


def values_for(route: str, known: dict):
    hostile = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
    controlled = st.builds(with_control, hostile, st.sampled_from(CONTROLS), st.integers(0, 30))
    huge = st.integers(-(10**20), 10**20).map(str)
    parts = []
    for match in PLACEHOLDER.finditer(route):
        converter = match["converter"] or "str"
        known_values = known["int" if converter == "int" else "str"]
        parts.append(st.one_of(st.sampled_from(known_values), hostile, controlled, huge))
    return st.tuples(*parts)


def queries():
    hostile = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
    controlled = st.builds(with_control, hostile, st.sampled_from(CONTROLS), st.integers(0, 30))
    keys = st.one_of(st.sampled_from(QUERY_KEYS), hostile.filter(bool))
    return st.dictionaries(keys, st.one_of(hostile, controlled), max_size=3)


def fuzz(client, route: str, known: dict, examples: int) -> None:
    client.raise_request_exception = False

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(values=values_for(route, known), query=queries())
    def request(values, query):
        path = fill(route, values)
        response = client.get(path, query)
        assert response.status_code < 500, (path, query, response.status_code)

    request()


@pytest.mark.parametrize("route", PUBLIC)
def test_hostile_public_addresses_never_give_a_server_error(route, county, no_rate_limits):
    """HOSTILE_URL_REQUESTS requests (10,000 by default) split over the public patterns."""
    fuzz(Client(), route, county, max(1, math.ceil(REQUESTS / len(PUBLIC))))


@pytest.mark.parametrize("route", PORTAL)
def test_hostile_portal_addresses_never_give_a_server_error(route, county, no_rate_limits):
    """As a logged-in enterprise: the portal's views run on every hostile value."""
    fuzz(portal_user().client, route, county, PORTAL_EXAMPLES)


@pytest.fixture
def no_rate_limits(settings):
    settings.RATELIMIT_ENABLE = False
    return settings


FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
FIELD = re.compile(r"<(?:input|select|textarea)\b([^>]*)>", re.I)
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def public_forms(client, county) -> list[tuple[str, list[str]]]:
    """(address, field names) of every POST form on the public pages and the portal login."""
    found = []
    for route in [*PUBLIC, "portal/login/"]:
        path = fill(route, [county["str"][0]] * placeholders(route))
        if "<int:" in route:
            continue  # posters and news pages carry no form
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in FORM.findall(response.content.decode()):
            names = []
            for attributes in FIELD.findall(form):
                attrs = dict(ATTRIBUTE.findall(attributes))
                if attrs.get("name") and attrs.get("type") not in ("file", "submit"):
                    names.append(attrs["name"])
            if names:
                found.append((path, sorted(set(names) - {"csrfmiddlewaretoken"})))
    return found


def test_control_characters_in_public_forms_give_a_page(client, county, no_rate_limits):
    forms = public_forms(client, county)
    paths = {path for path, _ in forms}
    assert {"/complaints/new/", "/complaints/track/", "/portal/login/"} <= paths, paths
    client.raise_request_exception = False
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
    controlled = st.builds(with_control, text, st.sampled_from(CONTROLS), st.integers(0, 20))
    for path, names in forms:
        post_hostile_bodies(client, path, names, st.one_of(controlled, text))


def post_hostile_bodies(client, path: str, names: list[str], values) -> None:
    @settings(
        max_examples=PORTAL_EXAMPLES * 2,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.fixed_dictionaries(dict.fromkeys(names, values)))
    def post(data):
        response = client.post(path, data)
        assert response.status_code < 500, (path, data, response.status_code)

    post()


def test_a_nul_in_a_complaint_is_a_form_error(client, no_rate_limits):
    from tests.complaints.test_pages import form_data

    for field in ("complainant_name", "description", "enterprise_query", "phone"):
        response = client.post("/complaints/new/", form_data(**{field: "张\x00三"}))
        assert response.status_code == 200, field
        assert "errorlist" in response.content.decode(), field
