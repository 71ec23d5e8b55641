"""Searching the admin by a full ID number or mobile number without putting it in a URL.

A search box's query string ends up in the web server's access log, the browser's history
and the Referer of the next request. So every admin search box posts its form to
`protected_search_view`, which turns a full ID number or a full mobile number into a token
made of its keyed hash (`id-<hmac>`, `mobile-<hmac>`) and redirects to the list with that
token as the query. The number itself stays in the user's session for the list to search
with; the keyed hash alone is enough for the columns that store one (declared per admin in
`protected_search_fields`; a mobile hash is `core.personal_data.phone_hash`, the one every
protected mobile column stores). Any other text is searched as typed.
"""

import re
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from stdnum.cn import ric

from .admin_scale import any_of_rows, lookup_condition
from .personal_data import lookup_hash, phone_hash
from .validators import clean_mobile

SESSION_KEY = "admin_protected_search"
SESSION_LIMIT = 20
TOKEN_RE = re.compile(r"^(id|mobile)-([0-9a-f]{64})$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")


def protected_kind(term: str) -> tuple[str, str] | None:
    """("id" | "mobile", normalised number) when `term` is a full ID or mobile number."""
    compact = ric.compact(term or "")
    if ID_NUMBER_RE.match(compact):
        return "id", compact
    try:
        return "mobile", clean_mobile(term)
    except ValidationError:
        return None


def search_token(term: str) -> str | None:
    found = protected_kind(term)
    if found is None:
        return None
    kind, number = found
    digest = lookup_hash(number) if kind == "id" else phone_hash(number)
    return f"{kind}-{digest}"


def is_search_token(term: str) -> bool:
    return bool(TOKEN_RE.match((term or "").strip()))


def protected_search_view(request):
    """The target of every admin search box (POST): redirect to the list it came from, with
    a full ID or mobile number replaced by its token."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    target = request.POST.get("next", "")
    if not target.startswith("/admin/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/admin/"
    term = request.POST.get("q", "").strip()
    token = search_token(term)
    if token is not None:
        remembered = request.session.get(SESSION_KEY, {})
        remembered.pop(token, None)
        remembered[token] = term
        request.session[SESSION_KEY] = dict(list(remembered.items())[-SESSION_LIMIT:])
        term = token
    params = [
        (key, value)
        for key, values in request.POST.lists()
        if key not in ("csrfmiddlewaretoken", "next", "q", "p")
        for value in values
    ]
    if term:
        params.append(("q", term))
    return redirect(f"{target.split('?')[0]}?{urlencode(params)}" if params else target)


def protected_search_results(model_admin, search_results):
    """Wrap a ModelAdmin's `get_search_results` so that a token is searched with the number
    the session remembers for it, or else by the keyed-hash columns the admin declares."""

    def hashed_columns(queryset, kind: str, digest: str):
        """The rows whose declared keyed-hash columns hold `digest` (a column across a
        foreign key through the related table's index: core.admin_scale), or None."""
        fields = getattr(model_admin, "protected_search_fields", {}).get(kind, ())
        if not fields:
            return None
        return any_of_rows(
            queryset,
            [
                queryset.filter(lookup_condition(queryset.model, f"{field}__exact", digest))
                for field in fields
            ],
        )

    def get_search_results(request, queryset, search_term):
        match = TOKEN_RE.match(search_term.strip())
        if match is None:
            results, duplicates = search_results(request, queryset, search_term)
            # A full number typed straight into the URL is found by its hash too.
            token = search_token(search_term.strip())
            hashed = hashed_columns(queryset, *TOKEN_RE.match(token).groups()) if token else None
            return (
                results if hashed is None else any_of_rows(queryset, [results, hashed])
            ), duplicates
        kind, digest = match.groups()
        remembered = request.session.get(SESSION_KEY, {}).get(match.group(0))
        hashed = hashed_columns(queryset, kind, digest)
        if remembered:
            results, duplicates = search_results(request, queryset, remembered)
            return (
                results if hashed is None else any_of_rows(queryset, [results, hashed])
            ), duplicates
        return (queryset.none() if hashed is None else hashed), False

    return get_search_results
