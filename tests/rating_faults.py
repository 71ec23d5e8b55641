"""A rating run hit by a killed Celery worker, shared by the test suite and `make bench`.

A real worker process computes the run's chunks; one chunk is held half-way (a rating of
its range inserted, uncommitted, by another connection: the worker's INSERT waits on it);
the worker is then killed with SIGKILL, as the kernel's OOM killer or a power cut would.
Its task stays unacknowledged on Redis (acks_late) until the visibility timeout, which
`redeliver_unacked` brings forward."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

from credit.models import RatingChunk
from tests.reference_data import reference_data_seed

ROOT = Path(__file__).resolve().parents[1]


def synthetic_county(*, enterprises: int, workers: int, inputs: int, year: int) -> None:
    """The benchmark's synthetic data; the townships it needs are seeded by a migration,
    which a transactional test's flush removes, so they are created again if missing."""
    from credit.management.commands.generate_synthetic import generate

    reference_data_seed()
    generate(enterprises=enterprises, workers=workers, inputs=inputs, year=year)


def wait_for(condition, *, timeout: float = 300, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _database_url(application_name: str) -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        f"?application_name={application_name}"
    )


def start_worker(queue: str, broker_url: str, name: str) -> subprocess.Popen:
    """A Celery worker (solo pool, as each process of a prefork pool runs) on `queue`; its
    database connections carry `<queue>.<name>` as their application name."""
    environment = dict(os.environ)
    environment.update(
        DATABASE_URL=_database_url(f"{queue}.{name}"),
        CELERY_BROKER_URL=broker_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        DJANGO_SETTINGS_MODULE="zhouqu_jiazheng.settings",
    )
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "zhouqu_jiazheng", "worker", "--pool", "solo",
            "--queues", queue, "--loglevel", "WARNING", "--hostname", f"{name}@{queue}",
            "--without-gossip", "--without-mingle",
        ],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_backends(queue: str, *, waiting_on_lock: bool = False) -> list[str]:
    """The names of the workers on `queue` with a database session (waiting on a lock)."""
    sql = "SELECT application_name FROM pg_stat_activity WHERE starts_with(application_name, %s)"
    if waiting_on_lock:
        sql += " AND wait_event_type = 'Lock'"
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"{queue}."])
        return [name.removeprefix(f"{queue}.") for (name,) in cursor.fetchall()]


class ChunkBlocker:
    """Holds one chunk half-way: an uncommitted rating of a subject in its range makes the
    worker's INSERT of that range wait (unique key) until `release()`."""

    def __init__(self, chunk: RatingChunk, subject_id: int, standard_id: int, year: int):
        db = connection.settings_dict
        self.connection = psycopg.connect(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
            dbname=db["NAME"], autocommit=False,
        )  # fmt: skip
        fk = "enterprise_id" if chunk.subject_type == "enterprise" else "worker_id"
        self.connection.execute(
            f"INSERT INTO credit_rating (year, {fk}, standard_id, compliance, quality,"
            " reputation, commitment, total, grade, vetoed, veto_reason, not_graded_reason,"
            " explanation, inputs, status, computed_at)"
            " VALUES (%s, %s, %s, 0, 0, 0, 0, 0, 'B', false, '', '', '[]', '', 'draft', now())",
            [year, subject_id, standard_id],
        )

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _broker_channel(app):
    connection_ = app.connection_for_write()
    return connection_, connection_.default_channel


def redeliver_unacked(app, queue: str) -> int:
    """What Redis does for the messages of `queue` left unacknowledged by a dead worker once
    the visibility timeout has passed: put them back on the queue. Returns how many."""
    broker, channel = _broker_channel(app)
    try:
        client = channel.client
        restored = 0
        for tag, raw in client.hgetall(channel.unacked_key).items():
            _payload, _exchange, routing_key = json.loads(raw)
            if routing_key == queue:
                channel.qos.restore_by_tag(tag, client)
                restored += 1
        return restored
    finally:
        broker.release()


def queue_drained(app, queue: str) -> bool:
    """No message of `queue` waiting or being processed."""
    broker, channel = _broker_channel(app)
    try:
        client = channel.client
        if client.llen(queue):
            return False
        return not any(json.loads(raw)[2] == queue for raw in client.hvals(channel.unacked_key))
    finally:
        broker.release()


def broker_url() -> str:
    return settings.CELERY_BROKER_URL
