"""The Redis cache backend keeps one client per connection pool, shared by threads."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from core.redis_cache import ReusedClientRedisCache


@pytest.fixture
def redis_cache(settings):
    location = settings.CACHES["default"].get("LOCATION")
    if not str(location or "").startswith("redis"):
        pytest.skip("the suite runs on Redis; this database-free run has no Redis")
    return ReusedClientRedisCache(location, {"KEY_PREFIX": "redis-cache-test", "TIMEOUT": 60})


def test_the_configured_cache_is_the_reusing_backend():
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        assert isinstance(backend, ReusedClientRedisCache)


def test_one_client_serves_every_call(redis_cache):
    first = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is first
    assert redis_cache._cache.get_client("any-key", write=False) is first


def test_values_round_trip_from_many_threads(redis_cache):
    counters = [f"c{i}" for i in range(3)]
    redis_cache.set_many(dict.fromkeys(counters, 0))

    def write_and_read(number: int) -> int:
        redis_cache.set(f"n{number}", {"n": number})
        redis_cache.incr(counters[number % 3])
        return redis_cache.get(f"n{number}")["n"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(write_and_read, range(40))) == list(range(40))
    assert sum(redis_cache.get_many(counters).values()) == 40
    redis_cache.delete_many([f"n{i}" for i in range(40)] + counters)
    assert redis_cache.get("n1") is None
