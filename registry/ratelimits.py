"""Rate limits of the public forms, counted atomically, surviving a cache outage.

A limit is counted first and checked after: `limit_hit` increments the counter of the
request's key in the current window and answers whether the new count is over the limit,
so forty simultaneous requests against a limit of twenty let exactly twenty through (a
check followed by a separate increment lets them all pass the check first). The counter
lives in the cache (Redis INCR). When the cache is unreachable each limit says what
happens instead (`when_cache_down`):

- `DATABASE`: the same count in the `RateLimitCounter` table (one upsert that returns the
  new count, atomic too); for forms that write, send SMS or can be brute-forced.
- `SKIP`: the request is let through and the skipped check logged; for read-only pages
  where counting every look-up in the database would move a flood onto PostgreSQL.

Windows are fixed (`count/period` in django-ratelimit's syntax: `20/h`, `5/d`, `60/m`).
"""

import enum
import hashlib
import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest

from core.cache import CACHE_ERRORS, cache_available, cache_failed
from core.client_ip import client_ip

from .models import RateLimitCounter

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class WhenCacheDown(enum.Enum):
    DATABASE = "database"
    SKIP = "skip"


def address_key(request: HttpRequest) -> str | None:
    """The client's address (IPv6 by its /64 network, as one household's devices share it);
    behind a trusted proxy the one it forwards (core.client_ip)."""
    address = client_ip(request)
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:64]
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


@dataclass(frozen=True)
class RateLimit:
    group: str
    # A rate ("10/h") or the name of the setting holding one ("COMPLAINT_RATE_PER_IP").
    rate: str
    when_cache_down: WhenCacheDown
    # The value counted (an address, a phone number's hash); None: not counted.
    key: Callable[[HttpRequest], str | None] = address_key

    def allowance(self) -> tuple[int, int]:
        rate = self.rate if "/" in self.rate else getattr(settings, self.rate)
        return parse_rate(rate)


def parse_rate(rate: str) -> tuple[int, int]:
    """("20/h") → (20, 3600); ("10/5m") → (10, 300)."""
    count, _, period = rate.partition("/")
    multiplier = period[:-1] or "1"
    return int(count), int(multiplier) * PERIODS[period[-1].lower()]


def _slot(limit: RateLimit, request: HttpRequest) -> tuple[str, int, int, int] | None:
    value = limit.key(request)
    if value is None:
        return None
    allowed, period = limit.allowance()
    now = int(time.time())
    window_end = now - now % period + period
    digest = hashlib.sha256(f"{limit.group}\0{value}".encode()).hexdigest()[:40]
    return digest, window_end, allowed, period


def limit_hit(request: HttpRequest, limit: RateLimit) -> bool:
    """Count this request; True when it goes over the limit (the caller refuses it)."""
    slot = _slot(limit, request)
    if slot is None:
        return False
    digest, window_end, allowed, period = slot
    count = _cache_add(limit.group, digest, window_end, period, 1)
    if count is None:
        if limit.when_cache_down is WhenCacheDown.SKIP:
            logger.warning("rate limit %s not checked: the cache is unreachable", limit.group)
            return False
        count = _database_add(limit.group, digest, window_end, 1)
    return count > allowed


def limit_refund(request: HttpRequest, limit: RateLimit) -> None:
    """Give back the count of a request that turned out not to count (a successful
    tracking look-up, a submission that stored nothing)."""
    slot = _slot(limit, request)
    if slot is None:
        return
    digest, window_end, _, period = slot
    counted = _cache_add(limit.group, digest, window_end, period, -1)
    if counted is None and limit.when_cache_down is WhenCacheDown.DATABASE:
        _database_add(limit.group, digest, window_end, -1)


def _cache_add(group: str, digest: str, window_end: int, period: int, delta: int) -> int | None:
    """The new count in the cache, or None when the cache is unreachable."""
    if not cache_available():
        return None
    key = f"rl:{group}:{digest}:{window_end}"
    try:
        if (counted := _redis_add(key, delta, period + 60)) is not None:
            return counted
        # add() creates the counter only if it is missing; incr() is atomic.
        cache.add(key, 0, period + 60)
        try:
            return cache.incr(key, delta)
        except ValueError:  # expired between the two calls
            cache.add(key, delta, period + 60)
            return delta
    except CACHE_ERRORS as exc:
        cache_failed(exc)
        return None


def _redis_add(key: str, delta: int, seconds: int) -> int | None:
    """On Redis, INCRBY and EXPIRE … NX in one MULTI/EXEC round trip (the counter is created
    at `delta` with its expiry, or counted on, atomically); None for another cache backend.
    The counter is stored as Django's Redis cache stores an integer, so `cache.get` reads it."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    raw_key = backend.make_and_validate_key(key)
    pipeline = backend._cache.get_client(raw_key, write=True).pipeline(transaction=True)
    pipeline.incrby(raw_key, delta)
    pipeline.expire(raw_key, seconds, nx=True)
    count, _ = pipeline.execute()
    return int(count)


def _database_add(group: str, digest: str, window_end: int, delta: int) -> int:
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (group_name, key_digest, window_end, count) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (group_name, key_digest, window_end) "
            f"DO UPDATE SET count = {table}.count + EXCLUDED.count RETURNING count",
            [group, digest, window_end, delta],
        )
        (count,) = cursor.fetchone()
    RateLimitCounter.objects.filter(window_end__lt=int(time.time())).delete()
    return count
