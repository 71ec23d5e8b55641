"""Request latency and responses per resolved view.

The labels are the URL pattern's name (`credit:lookup`, `admin:credit_ratingrun_change`),
never the path: `/enterprises/123/` and `/enterprises/456/` are one series. A request no
pattern matched (static files, a 404) is counted under `<unresolved>`.

Each gunicorn worker is a process of its own. With PROMETHEUS_MULTIPROC_DIR set, every
process writes its values to files there and a scrape, answered by any one worker, sums
them all (prometheus_client's multiprocess mode); without it (runserver, tests) they stay
in the process.
"""

import os
import time

from prometheus_client import Counter, Histogram

MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"

if directory := os.environ.get(MULTIPROC_DIR_ENV):
    os.makedirs(directory, exist_ok=True)

UNRESOLVED = "<unresolved>"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Up to gunicorn's 60 s timeout; public pages are expected well under a second.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUEST_LATENCY = Histogram(
    "zqjz_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by resolved view.",
    ["view"],
    buckets=BUCKETS,
)
RESPONSES = Counter(
    "zqjz_http_responses",
    "Responses by resolved view, request method and status class (2xx, 3xx, 4xx, 5xx).",
    ["view", "method", "status"],
)


def view_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else UNRESOLVED


def request_observe(request, status_code: int, seconds: float) -> None:
    view = view_label(request)
    method = request.method if request.method in METHODS else "other"
    REQUEST_LATENCY.labels(view=view).observe(seconds)
    RESPONSES.labels(view=view, method=method, status=f"{status_code // 100}xx").inc()


class RequestMetricsMiddleware:
    """First in MIDDLEWARE, so the time covers every other middleware too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        request_observe(request, response.status_code, time.perf_counter() - started)
        return response
