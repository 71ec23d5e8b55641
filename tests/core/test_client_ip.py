"""The client address behind the reverse proxy: believed from X-Forwarded-For only when the
request came from a trusted proxy, for the rate limits and the login lockout alike."""

import pytest
from django.test import Client, RequestFactory

from core.client_ip import client_ip

PROXY = "172.28.0.5"
VERIFY = "/credit/reports/verify/"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["172.28.0.0/24"]


def ip(**meta):
    return client_ip(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_connecting_address_counts_and_headers_are_ignored():
    assert ip(REMOTE_ADDR="203.0.113.7") == "203.0.113.7"
    assert ip(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1") == "203.0.113.7"
    assert ip(REMOTE_ADDR="203.0.113.7", HTTP_X_REAL_IP="198.51.100.1") == "203.0.113.7"


def test_a_spoofed_header_from_outside_the_trusted_proxies_is_ignored(behind_proxy):
    assert ip(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1") == "203.0.113.7"


def test_through_the_proxy_the_forwarded_address_counts(behind_proxy):
    assert ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1") == "198.51.100.1"
    # A chain: read from the right, past trusted proxies; what the client wrote is left over.
    chain = "10.9.9.9, 198.51.100.1, 172.28.0.9"
    assert ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain) == "198.51.100.1"
    assert ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8::1") == "2001:db8::1"


@pytest.mark.parametrize("header", ["", "not-an-address", "198.51.100.1, <script>"])
def test_a_missing_or_garbled_header_falls_back_to_the_proxy_address(behind_proxy, header):
    assert ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header) == PROXY


def guess(client, number):
    return client.get(VERIFY, {"number": number}).status_code


@pytest.mark.django_db
def test_two_clients_behind_the_proxy_have_separate_rate_limits(behind_proxy, settings):
    settings.REPORT_VERIFY_RATE_PER_IP = "2/h"
    first = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert [guess(first, f"XY20251120ABCDEF{c}A") for c in "GHJ"] == [200, 200, 429]
    assert guess(second, "XY20251120ABCDEFGA") == 200


@pytest.mark.django_db
def test_changing_the_header_without_a_trusted_proxy_does_not_escape_the_limit(settings):
    settings.REPORT_VERIFY_RATE_PER_IP = "2/h"
    statuses = [
        guess(
            Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"),
            f"XY20251120ABCDEF{c}A",
        )
        for n, c in enumerate("GHJ")
    ]
    assert statuses == [200, 200, 429]


@pytest.mark.django_db
def test_the_login_lockout_counts_per_forwarded_address(behind_proxy, settings):
    from tests.portal.test_auth import login

    settings.AXES_FAILURE_LIMIT = 2
    locked = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    statuses = [login(locked, "nobody", "wrong-password1").status_code for _ in range(3)]
    assert statuses == [200, 429, 429]
    other = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert login(other, "nobody", "wrong-password1").status_code == 200


def test_a_deployment_still_naming_a_header_is_warned(monkeypatch):
    from core.checks import retired_settings_check

    assert retired_settings_check() == []
    monkeypatch.setenv("RATELIMIT_IP_META_KEY", "HTTP_X_REAL_IP")
    [warning] = retired_settings_check()
    assert warning.id == "core.W001" and "TRUSTED_PROXIES" in warning.hint
