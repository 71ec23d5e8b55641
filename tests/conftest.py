"""Shared fixtures. `make test` points the suite at real PostgreSQL and Redis."""

import os
import shutil
import socket
import subprocess
import time
import uuid
import warnings

import psycopg
import pytest
import redis
from celery.result import allow_join_result
from django.conf import settings as django_settings
from django.utils import translation

from tests.reference_data import flushes_the_database, reference_data_seed
from zhouqu_jiazheng.celery import app as celery_app

DB_BLOCKER = pytest.StashKey()


def pytest_sessionstart(session):
    """Refuse to run on anything but the real services, with a message that says why."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"] != "core.postgresql":
        pytest.exit(
            "The suite runs against PostgreSQL: set DATABASE_URL "
            "(make test defaults to postgres://postgres@127.0.0.1:5432/zhouqu_jiazheng).",
            returncode=3,
        )
    try:
        psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as exc:
        pytest.exit(f"PostgreSQL is unreachable at {db['HOST']}:{db['PORT']}: {exc}", returncode=3)
    if not django_settings.REDIS_URL:
        pytest.exit("The suite runs against Redis: set REDIS_URL (make test does).", returncode=3)
    try:
        redis.Redis.from_url(django_settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.exit(f"Redis is unreachable at {django_settings.REDIS_URL}: {exc}", returncode=3)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """The test database, with its reference data complete even when `--reuse-db` picks up a
    database that an interrupted run left flushed.

    At the end, a session some test left open on it (a thread's or a child process's
    connection) would keep it from being dropped ("being accessed by other users"): such
    sessions are named in a warning and ended first."""
    with django_db_blocker.unblock():
        reference_data_seed()
    request.config.stash[DB_BLOCKER] = django_db_blocker
    yield
    with django_db_blocker.unblock():
        left = end_other_sessions()
    if left:
        warnings.warn(f"sessions left open on the test database, ended: {left}", stacklevel=1)


def end_other_sessions() -> list[tuple]:
    """End every other client session on the current database; returns what each was:
    (pid, application_name, state, the start of its last statement)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 120) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
        sessions = cursor.fetchall()
        for pid, *_ in sessions:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    return sessions


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has flushed the database, put the reference data back, so
    that the tests after it pass in any order. (After the last test the test database is
    already gone; with `--reuse-db` the next session restores the data in django_db_setup.)"""
    try:
        return (yield)
    finally:
        blocker = item.config.stash.get(DB_BLOCKER, None)
        if nextitem is not None and blocker is not None and flushes_the_database(item):
            with blocker.unblock():
                reference_data_seed()


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Give each test its own key prefix on the real Redis cache instead of flushing it,
    so parallel test processes never wipe each other's keys."""
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    caches["default"]["KEY_PREFIX"] = f"test:{worker}:{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def _source_language():
    """Each test starts in the source language, as a task or a command does: a request made
    in Tibetan by an earlier test leaves its language active in the process otherwise."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _cold_row_estimates():
    """Each test starts without the admin's cached table estimates (core.admin_scale) and
    the names' frequent trigrams (core.search): one left by an earlier test in the process
    would save a query depending on the order the tests run in, and make query counts
    flaky."""
    from core.admin_scale import forget_estimates
    from core.search import forget_frequent_trigrams

    forget_estimates()
    forget_frequent_trigrams()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _task_results_may_be_awaited():
    """Tests run tasks in process and wait for their results. Some Celery code paths leave
    the process flagged as a worker that must not wait on results, and the flag would then
    make the next test's `.delay().get()` fail depending on the order the tests run in."""
    with allow_join_result():
        yield


@pytest.fixture
def real_broker():
    """Send tasks through the Redis broker instead of running them in process."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield celery_app
    finally:
        celery_app.conf.task_always_eager = previous


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="staff-admin", password="pw-Test-123"
    )
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def broker_down(real_broker, monkeypatch):
    """The broker is unreachable (Celery reads CELERY_BROKER_URL from the environment
    first). The connection pool is dropped before and after, so no other test inherits a
    producer bound to the dead address. (Not app.close(): that also unregisters the app,
    and tasks imported afterwards would no longer reach it.)"""

    def drop_pool():
        # kombu keeps its pools per broker address: forgetting the app's references is
        # enough for the next publish to use the pool of the address then configured.
        real_broker._pool = None
        real_broker.amqp._producer_pool = None

    drop_pool()
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    yield real_broker
    monkeypatch.undo()
    drop_pool()


@pytest.fixture
def default_standards(db):
    """The 2025 standards the data migration seeds (present in every test: see
    `tests.reference_data`); tests that score against them name this fixture."""
    from credit.models import EvaluationStandard, Indicator, VetoRule
    from credit.standards_default import create_default_standards

    create_default_standards(EvaluationStandard, Indicator, VetoRule)


class RedisProcess:
    """A redis-server of the test's own, on a free port, that the test may stop and start
    again (never the shared Redis the suite otherwise uses)."""

    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stack_on_own_redis(own_redis, settings, real_broker, monkeypatch):
    """Cache and broker on one Redis of the test's own, as docker-compose lays them out;
    the test stops and starts it with `own_redis`."""
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    caches["default"]["LOCATION"] = own_redis.url(0)
    settings.CACHES = caches

    def drop_pool():
        real_broker._pool = None
        real_broker.amqp._producer_pool = None

    drop_pool()
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url(1))
    yield own_redis
    monkeypatch.undo()
    drop_pool()
