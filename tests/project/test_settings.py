"""Settings are switched by environment variables only; checked in fresh interpreters."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
from zhouqu_jiazheng.celery import app
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "conn_max_age": db.get("CONN_MAX_AGE"),
    "health_checks": db.get("CONN_HEALTH_CHECKS"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "debug": settings.DEBUG,
    "language": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
    "serializer": app.conf.task_serializer,
    "accept": app.conf.accept_content,
    "prefetch": app.conf.worker_prefetch_multiplier,
    "queues": sorted(q.name for q in app.conf.task_queues),
    "soft": app.conf.task_soft_time_limit,
    "hard": app.conf.task_time_limit,
    "visibility": app.conf.broker_transport_options["visibility_timeout"],
    "scheduler": app.conf.beat_scheduler,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "media": str(settings.MEDIA_ROOT),
}))
"""

CONFIG_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "MEDIA_ROOT",
    "STATIC_MANIFEST",
    "CACHE_KEY_PREFIX",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "PERSONAL_DATA_KEY",
    "PERSONAL_DATA_HASH_KEY",
)
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Jx-9vQ_prod-like-secret-with-enough-entropy-0a9sd8f7g6h5j4k3l2",
    "ALLOWED_HOSTS": "jiazheng.zhouqu.gov.cn",
    "PERSONAL_DATA_KEY": "q8m1S0cGk2oKJ7x3Zl0Ykq9V4tXo2m8b1nHc5dE6fA0=",
    "PERSONAL_DATA_HASH_KEY": "hash-key-for-tests-only-0123456789",
}


def probe(**variables: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    environment["DJANGO_SETTINGS_MODULE"] = "zhouqu_jiazheng.settings"
    environment.update(variables)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_set_means_embedded_mode():
    config = probe()
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["eager"] is True
    assert config["debug"] is True
    assert (config["language"], config["tz"], config["use_tz"]) == (
        "zh-hans",
        "Asia/Shanghai",
        True,
    )


def test_urls_switch_to_postgresql_and_redis(tmp_path):
    config = probe(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/zhouqu",
        REDIS_URL="redis://127.0.0.1:6379/0",
        MEDIA_ROOT=str(tmp_path),
    )
    assert config["engine"] == "core.postgresql"  # Django's, with a cheaper health check
    assert config["conn_max_age"] > 0
    assert config["health_checks"] is True
    assert config["cache"] == "core.redis_cache.ReusedClientRedisCache"
    assert config["eager"] is False
    assert config["broker"] == "redis://127.0.0.1:6379/0"
    assert config["media"] == str(tmp_path)


def test_celery_is_configured_for_safe_long_jobs():
    config = probe(REDIS_URL="redis://127.0.0.1:6379/0")
    assert config["serializer"] == "json"
    assert config["accept"] == ["json"]
    assert config["prefetch"] == 1
    assert config["queues"] == ["bulk", "default"]
    assert 0 < config["soft"] < config["hard"] < config["visibility"]
    assert config["scheduler"] == "django_celery_beat.schedulers:DatabaseScheduler"


def test_production_mode_refuses_to_start_without_personal_data_keys():
    environment = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="zhouqu_jiazheng.settings")
    del environment["PERSONAL_DATA_HASH_KEY"]
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PERSONAL_DATA_HASH_KEY must be set" in result.stderr


def test_production_mode_refuses_to_start_without_a_secret():
    environment = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    environment.update(DEBUG="0", DJANGO_SETTINGS_MODULE="zhouqu_jiazheng.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_mode_passes_the_deployment_checklist_without_warnings():
    environment = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="zhouqu_jiazheng.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    config = probe(**PRODUCTION)
    assert config["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_each_queue_receives_only_its_own_tasks():
    from zhouqu_jiazheng.celery import app

    routes = {
        queue.name: (queue.exchange.name, queue.routing_key) for queue in app.conf.task_queues
    }
    assert routes == {"default": ("default", "default"), "bulk": ("bulk", "bulk")}
    bulk = app.amqp.router.route({"queue": "bulk"}, "credit.tasks.rate_chunk")
    assert bulk["queue"].name == "bulk" and bulk["queue"].routing_key == "bulk"
    default = app.amqp.router.route({}, "zhouqu_jiazheng.tasks.ping")
    assert default["queue"].name == "default" and default["queue"].routing_key == "default"
