"""The shared cache, used so that an unreachable Redis never takes a page down.

Pages keep figures in the cache and rate limits count there. When the cache server cannot
be reached, `cached` computes the value without caching it and the process stops asking
the cache for `CACHE_RETRY_SECONDS`: with Redis stopped, a page pays for at most one failed
connection every few seconds instead of one per cache call. Callers that need to know
(the rate limits) ask `cache_available()` and call `cache_failed()` on an error.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_RETRY_SECONDS = 5.0
# What a cache backend raises when its server is unreachable or answers garbage.
CACHE_ERRORS = (RedisError, OSError)

T = TypeVar("T")

# Per cache location, so a test (or a process) pointed at another server is not affected.
_down_until: dict[str, float] = {}


def _location() -> str:
    return str(settings.CACHES["default"].get("LOCATION", ""))


def cache_available() -> bool:
    return _down_until.get(_location(), 0.0) <= time.monotonic()


def cache_failed(exc: Exception) -> None:
    """Record that the cache did not answer; it is not asked again for a few seconds."""
    location = _location()
    if cache_available():
        logger.warning("cache unreachable (%s: %s); working without it", type(exc).__name__, exc)
    _down_until[location] = time.monotonic() + CACHE_RETRY_SECONDS


def cached(key: str, seconds: int, compute: Callable[[], T]) -> T:
    """The cached value of `key`, else `compute()` stored for `seconds`; without a cache,
    simply `compute()`."""
    if cache_available():
        try:
            value = cache.get(key)
        except CACHE_ERRORS as exc:
            cache_failed(exc)
        else:
            if value is not None:
                return value
    value = compute()
    if cache_available():
        try:
            cache.set(key, value, seconds)
        except CACHE_ERRORS as exc:
            cache_failed(exc)
    return value
