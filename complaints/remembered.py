"""The cases a browser may open again without typing the tracking number and phone: the one
it just submitted (the acknowledgement page) and the last few it submitted or looked up.

Kept in a signed cookie (the server's key: it cannot be forged or edited), not in the
session: a resident submitting a complaint is answered without a session row written and
read back. Only case ids are in it, never a number or a phone. Cases that earlier versions
kept in the session are still found, asked only of a browser that has a session.
"""

import json

from django.conf import settings

COOKIE = "complaints"
COOKIE_SALT = "complaints.remembered"
COOKIE_DAYS = 14  # as long as a session lasted (SESSION_COOKIE_AGE)
KEPT = 10
SESSION_KEY = "complaints_tracked"  # where earlier versions kept them


def _ids(values) -> list[int]:
    if not isinstance(values, list):
        return []
    return [value for value in values if isinstance(value, int) and value > 0][:KEPT]


def _cookie(request) -> dict:
    raw = request.get_signed_cookie(
        COOKIE, default=None, salt=COOKIE_SALT, max_age=COOKIE_DAYS * 86400
    )
    if not raw:
        return {}
    try:
        state = json.loads(raw)
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def tracked_ids(request) -> list[int]:
    """The cases this browser submitted or looked up, newest first."""
    ids = _ids(_cookie(request).get("t"))
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        ids += [pk for pk in _ids(request.session.get(SESSION_KEY)) if pk not in ids]
    return ids[:KEPT]


def submitted_id(request) -> int | None:
    """The case this browser submitted last (shown on the acknowledgement page)."""
    pk = _cookie(request).get("s")
    return pk if isinstance(pk, int) and pk > 0 else None


def remember(request, response, complaint_id: int, *, submitted: bool = False) -> None:
    """Remember on `response` that this browser may open `complaint_id` again."""
    state = _cookie(request)
    ids = [complaint_id, *(pk for pk in _ids(state.get("t")) if pk != complaint_id)]
    cookie = {"t": ids[:KEPT]}
    if submitted:
        cookie["s"] = complaint_id
    elif submitted_id(request):
        cookie["s"] = submitted_id(request)
    response.set_signed_cookie(
        COOKIE,
        json.dumps(cookie, separators=(",", ":")),
        salt=COOKIE_SALT,
        max_age=COOKIE_DAYS * 86400,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
