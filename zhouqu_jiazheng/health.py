"""Health probes for `/healthz`: each returns "ok", "eager" or a short error string.

Every request really asks each service, with one round trip each: `SELECT 1` on the
process's database connection, one write to the cache, and a `PING` to a Redis broker over a
connection kept by the process (other brokers: a fresh connection, as Celery makes one).
"""

import os

import redis
from django.core.cache import cache
from django.db import connection

from .celery import app as celery_app

OK = "ok"
EAGER = "eager"


def _error(exc: Exception) -> str:
    return f"error: {type(exc).__name__}: {exc}"[:300]


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _error(exc)
    return OK


def check_cache() -> str:
    """One write (SET with an expiry): it fails unless the cache server is up and writable."""
    try:
        cache.set(f"healthz:{os.getpid()}", "1", timeout=10)
    except Exception as exc:
        return _error(exc)
    return OK


_broker_clients: dict[str, redis.Redis] = {}


def _redis_broker(url: str, timeout: float) -> redis.Redis:
    client = _broker_clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        _broker_clients[url] = client
    return client


def check_broker(timeout: float = 2.0) -> str:
    if celery_app.conf.task_always_eager:
        return EAGER
    url = str(celery_app.conf.broker_url or "")
    try:
        if url.startswith(("redis://", "rediss://")):
            _redis_broker(url, timeout).ping()
        else:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:
        return _error(exc)
    return OK


def health_report() -> tuple[dict[str, str], bool]:
    report = {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
    }
    healthy = all(value in (OK, EAGER) for value in report.values())
    return report, healthy
