"""One log line per request, on the `zhouqu.request` logger: method, path (never the query
string, which can carry a phone number or a tracking code), status, duration, client address
and the signed-in user's id. The line carries the request id like every other line written
while the request is served (core.logs)."""

import logging
import time

from django.utils.functional import empty

from .client_ip import client_ip

logger = logging.getLogger("zhouqu.request")

# Polled by the container health checks every few seconds: kept out of the INFO log.
QUIET_PATHS = frozenset({"/healthz"})


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        logger.log(
            logging.DEBUG if request.path in QUIET_PATHS else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "client_ip": client_ip(request),
                "user_id": _user_id(request),
            },
        )
        return response


def _user_id(request) -> int | None:
    """The signed-in user's id, when the request has looked the user up already: the log
    line never costs a session or user query of its own."""
    user = getattr(request, "user", None)
    user = getattr(user, "_wrapped", user)
    if user is None or user is empty or not getattr(user, "is_authenticated", False):
        return None
    return user.pk
