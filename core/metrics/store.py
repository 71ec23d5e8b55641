"""The Redis hashes that worker processes write and web processes read: Celery task
failures and each task's last success.

They live in the cache's Redis (REDIS_URL) under the cache key prefix, outside the cache's
expiry. Without Redis (the embedded SQLite set-up) nothing is recorded. A Redis that does
not answer costs a task one short timeout, and is then left alone for a few seconds
(core.cache).
"""

import logging
import time
from functools import lru_cache

import redis
from django.conf import settings

from core.cache import CACHE_ERRORS, cache_available, cache_failed

logger = logging.getLogger(__name__)

FAILURES = "metrics:task_failures"
LAST_SUCCESS = "metrics:task_last_success"
# Task names are the registered tasks'; this only caps what a scrape reads.
MAX_TASKS = 200


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _redis() -> tuple[redis.Redis | None, str]:
    config = settings.CACHES["default"]
    if "redis" not in config["BACKEND"].lower() or not cache_available():
        return None, ""
    return _client(str(config["LOCATION"])), str(config.get("KEY_PREFIX", ""))


def task_failure_record(task: str) -> None:
    client, prefix = _redis()
    if client is None:
        return
    try:
        client.hincrby(f"{prefix}:{FAILURES}", task, 1)
    except CACHE_ERRORS as exc:
        cache_failed(exc)


def task_success_record(task: str, *, now: float | None = None) -> None:
    client, prefix = _redis()
    if client is None:
        return
    try:
        client.hset(f"{prefix}:{LAST_SUCCESS}", task, now if now is not None else time.time())
    except CACHE_ERRORS as exc:
        cache_failed(exc)


def task_records() -> tuple[dict[str, float], dict[str, float]]:
    """(failures by task, last success time by task); raises if Redis does not answer."""
    client, prefix = _redis()
    if client is None:
        return {}, {}
    with client.pipeline(transaction=False) as pipe:
        pipe.hgetall(f"{prefix}:{FAILURES}")
        pipe.hgetall(f"{prefix}:{LAST_SUCCESS}")
        failures, successes = pipe.execute()

    def decoded(values: dict) -> dict[str, float]:
        items = sorted((key.decode(), float(value)) for key, value in values.items())
        return dict(items[:MAX_TASKS])

    return decoded(failures), decoded(successes)
