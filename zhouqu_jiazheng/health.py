"""Health probes for `/healthz`: each returns "ok", "eager" or a short error string."""

from django.core.cache import cache
from django.db import connection
from django.utils.crypto import get_random_string

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
    key = f"healthz:{get_random_string(12)}"
    try:
        cache.set(key, "1", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as exc:
        return _error(exc)
    return OK if value == "1" else "error: cache did not return the value written"


def check_broker(timeout: float = 2.0) -> str:
    if celery_app.conf.task_always_eager:
        return EAGER
    try:
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
