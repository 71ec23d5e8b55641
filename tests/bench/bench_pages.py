"""Request cost of the public home page and /healthz against a bare view, through the same
middleware stack and test client, measured in the same run."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

REQUESTS = 300

urlpatterns = [path("bare", lambda request: HttpResponse("ok"))]


@pytest.mark.django_db
def test_home_and_healthz_against_a_bare_view(bench):
    client = Client()
    client.get("/")  # warm templates and caches

    def requests(path):
        for _ in range(REQUESTS):
            assert client.get(path).status_code == 200

    with override_settings(ROOT_URLCONF=__name__):
        baseline = bench.timed(requests, "/bare", repeat=3)
    home = bench.timed(requests, "/", repeat=3)
    health = bench.timed(requests, "/healthz", repeat=3)
    bench.record("bare_view_requests_per_s", REQUESTS / baseline, "req/s")
    bench.record("home_requests_per_s", REQUESTS / home, "req/s")
    bench.record("healthz_requests_per_s", REQUESTS / health, "req/s")
    bench.record("home_ratio_to_bare_view", home / baseline, "x")
    bench.record("healthz_ratio_to_bare_view", health / baseline, "x")
    assert REQUESTS / home > 50, "the home page should serve well over 50 requests/s"
