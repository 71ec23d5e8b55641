"""A real Celery worker, started here against Redis, runs a task that writes to PostgreSQL."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from zhouqu_jiazheng.models import WorkerHeartbeat
from zhouqu_jiazheng.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


def start_worker(queue: str, loglevel: str = "WARNING") -> subprocess.Popen:
    """A worker process on `queue` alone, against the test database and broker."""
    db = connection.settings_dict
    environment = dict(os.environ)
    environment.update(
        # The worker's connections carry the queue's name, to tell them from others.
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            f"?application_name={queue}"
        ),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        LOG_FORMAT="plain",
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "zhouqu_jiazheng",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            loglevel,
            "--hostname",
            f"{queue}@test",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(process: subprocess.Popen) -> str:
    """Stop the worker; returns everything it wrote."""
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""


@pytest.fixture
def celery_worker_process(transactional_db, real_broker):
    queue = f"test-{uuid.uuid4().hex[:10]}"
    process = start_worker(queue)
    try:
        yield queue
    finally:
        if output := stop_worker(process):
            print(output)


def test_a_real_worker_runs_ping_and_writes_to_postgresql(celery_worker_process):
    hostname = f"probe-{uuid.uuid4().hex[:8]}"
    ping.apply_async(kwargs={"hostname": hostname}, queue=celery_worker_process)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        heartbeat = WorkerHeartbeat.objects.filter(hostname=hostname).first()
        if heartbeat:
            break
        time.sleep(0.25)
    else:
        pytest.fail("the worker did not record the heartbeat within 60 s")
    assert heartbeat.pings == 1


def _wait_for_pings(hostname: str, pings: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(hostname=hostname, pings__gte=pings).exists():
            return
        time.sleep(0.1)
    pytest.fail(f"the worker did not record ping {pings} within 60 s")


def _worker_backends(queue: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [queue])
        return {pid for (pid,) in cursor.fetchall()}


def test_a_worker_keeps_its_database_connection_between_tasks(celery_worker_process):
    """CONN_MAX_AGE governs a worker's connections as it does a web process's: Celery would
    otherwise close them after every task, and each task would open a new one."""
    hostname = f"probe-{uuid.uuid4().hex[:8]}"
    ping.apply_async(kwargs={"hostname": hostname}, queue=celery_worker_process)
    _wait_for_pings(hostname, 1)
    first = _worker_backends(celery_worker_process)
    assert len(first) == 1, first
    for pings in (2, 3):
        ping.apply_async(kwargs={"hostname": hostname}, queue=celery_worker_process)
        _wait_for_pings(hostname, pings)
    assert _worker_backends(celery_worker_process) == first
