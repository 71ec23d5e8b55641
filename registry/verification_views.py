"""The public verification page behind the home-service card's QR code: /verify/<token>/.

No login: residents scan the card at the door. An unknown token answers 404 and a revoked one
410, each with a clear warning page; requests are limited per client address
(`VERIFY_RATE_PER_IP`) and over the limit the page says so in Chinese (429). While the cache
is down the limit is skipped (and logged): a resident at the door must get an answer, card
tokens cannot be guessed, and counting every look-up in the database would move a flood
onto PostgreSQL.
Responses are never cached by browsers and never indexed; the server keeps a valid card's
page (see VERIFY_CACHE_SECONDS) but reads the card's validity on every request, so a revoked
card stops working at once.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import page_cache

from .ratelimits import RateLimit, WhenCacheDown, limit_hit
from .verification import (
    RED,
    REVOKED,
    UNKNOWN,
    VALID,
    photo_thumbnail,
    scan_remember,
    valid_card,
    valid_card_ids,
    verification_for_token,
)

# A resident scans a card once or twice; a township office or a mobile carrier's shared
# address serves many residents, so the limit is generous and only stops floods.
RATE_LIMITED = "查询过于频繁，请稍后再试。"


VERIFY_LIMIT = RateLimit(
    group="registry.verify", rate="VERIFY_RATE_PER_IP", when_cache_down=WhenCacheDown.SKIP
)
PHOTO_LIMIT = RateLimit(
    group="registry.verify.photo",
    rate="VERIFY_RATE_PER_IP",
    when_cache_down=WhenCacheDown.SKIP,
)


def _link(url_name: str, reference: str = "") -> str | None:
    """A link to the complaint or review form, pre-filled with the worker when known; None
    when the complaints app is not installed."""
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return None
    return f"{url}?worker={reference}" if reference else url


def _report_link(token: str) -> str | None:
    """The 举报 form for a card that looks fake or borrowed, with the card filled in."""
    url = _link("complaints:report")
    return f"{url}?{urlencode({'card': token[:100]})}" if url else None


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _warning(request, *, kind: str, status: int, token: str = "", **context) -> HttpResponse:
    context.update(kind=kind, complaint_url=_link("complaints:new"))
    if token:
        context["report_url"] = _report_link(token)
    return _private(render(request, "registry/verify_warning.html", context, status=status))


# A valid card's page is the same for everyone on a day but for the time of the check: it
# is kept while nothing it shows changes (page_cache.VERIFICATION, bumped by every write to
# workers, documents, employers, grades and the key-management list) and at most this long.
# The card's own validity (revoked, employment ended) is read from the database on every
# request, before anything cached is used.
VERIFY_CACHE_SECONDS = 300
CHECKED_AT_MARKER = "ZQJZCHECKEDATMARKER"


@dataclass(frozen=True)
class _ValidPage:
    light: str
    worker_id: int | None
    body: str


def _valid_page(token: str, today) -> _ValidPage | None:
    """The page of a valid card with a marker for the time of the check; None when the card
    is not valid (any more)."""
    verification = verification_for_token(token, today)
    if verification.state != VALID:
        return None
    context = {
        "v": verification,
        "checked_at_text": CHECKED_AT_MARKER,
        # No "rate this service" while the card scans red: the resident is told to stop
        # the service, not to review it (a complaint is still offered).
        "review_url": (
            None
            if verification.light == RED
            else _link("reviews:new", verification.worker_reference)
        ),
        "complaint_url": _link("complaints:new", verification.worker_reference),
        "report_url": _report_link(token) if verification.light == RED else None,
    }
    body = render_to_string("registry/partials/verify_body.html", context)
    return _ValidPage(verification.light, verification.worker_id, body)


@never_cache
@require_safe
def verify(request, token: str):
    if limit_hit(request, VERIFY_LIMIT):
        return _warning(request, kind="limited", status=429, message=RATE_LIMITED)
    now = timezone.localtime()
    page = None
    card = valid_card_ids(token)  # every request: a revoked card is never served from cache
    if card is not None:
        page = page_cache.shared(
            "verify",
            depends_on=[page_cache.VERIFICATION],
            vary=[token, *card, now.date()],
            seconds=VERIFY_CACHE_SECONDS,
            compute=lambda: _valid_page(token, now.date()),
        )
    if page is None:
        verification = verification_for_token(token)
        if verification.state == VALID:  # valid only since the first read
            page = _valid_page(token, now.date())
        if verification.state == UNKNOWN:
            return _warning(request, kind=UNKNOWN, status=404, token=token)
        if page is None:
            return _warning(
                request, kind=REVOKED, status=410, token=token, verification=verification
            )
    checked_at = conditional_escape(date_format(now, "DATETIME_FORMAT"))
    body = page_cache.fill(page.body, {CHECKED_AT_MARKER: checked_at})
    response = _private(render(request, "registry/verify.html", {"body": body}))
    if page.worker_id is not None and page.light != RED:
        scan_remember(request, response, page.worker_id, timezone.now())
    return response


@never_cache
@require_safe
def verify_photo(request, token: str):
    """The photo of a card's worker, only while the card is valid (worker photos are
    otherwise staff-only media)."""
    if limit_hit(request, PHOTO_LIMIT):
        return HttpResponse(RATE_LIMITED, status=429, content_type="text/plain; charset=utf-8")
    card = valid_card(token)
    data = photo_thumbnail(card.worker.photo) if card and card.worker.photo else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)
