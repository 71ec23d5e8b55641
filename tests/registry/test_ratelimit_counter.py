"""The rate-limit counter in Redis: counted and given back atomically, with its expiry."""

import uuid

import pytest
from django.core.cache import cache, caches
from django.test import RequestFactory

from registry.ratelimits import RateLimit, WhenCacheDown, _slot, limit_hit, limit_refund


@pytest.fixture
def limit():
    return RateLimit(
        group=f"test.{uuid.uuid4().hex}", rate="3/m", when_cache_down=WhenCacheDown.SKIP
    )


def counter_key(limit: RateLimit, request) -> str:
    digest, window_end, _, _ = _slot(limit, request)
    return f"rl:{limit.group}:{digest}:{window_end}"


def test_requests_are_counted_until_the_limit_and_a_refund_gives_one_back(limit):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    assert [limit_hit(request, limit) for _ in range(3)] == [False, False, False]
    assert limit_hit(request, limit) is True
    assert cache.get(counter_key(limit, request)) == 4
    limit_refund(request, limit)
    assert cache.get(counter_key(limit, request)) == 3


def test_the_counter_expires_after_its_window(limit):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.10")
    limit_hit(request, limit)
    backend = caches["default"]
    raw_key = backend.make_and_validate_key(counter_key(limit, request))
    ttl = backend._cache.get_client(raw_key).ttl(raw_key)
    assert 60 <= ttl <= 120  # the period and a minute's grace
    limit_hit(request, limit)  # counting on does not push the expiry back
    assert backend._cache.get_client(raw_key).ttl(raw_key) <= ttl


def test_another_address_has_its_own_count(limit):
    first = RequestFactory().get("/", REMOTE_ADDR="203.0.113.11")
    other = RequestFactory().get("/", REMOTE_ADDR="203.0.113.12")
    for _ in range(4):
        limit_hit(first, limit)
    assert limit_hit(other, limit) is False
