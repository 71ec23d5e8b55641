"""A Celery worker, started with docker-compose's worker options, survives its broker going
away: Redis (the test's own redis-server) is stopped and started three times under it, and
after each restart the worker reconnects and runs a task that writes to PostgreSQL."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from ruamel.yaml import YAML

from zhouqu_jiazheng.models import WorkerHeartbeat
from zhouqu_jiazheng.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


def compose_worker_options() -> list[str]:
    """The feature switches the deployed worker runs with (--without-…)."""
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    return [arg for arg in compose["services"]["worker"]["command"] if arg.startswith("--without")]


def test_the_deployed_worker_disables_gossip_mingle_and_event_heartbeats():
    assert set(compose_worker_options()) == {
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    }
    makefile = (ROOT / "Makefile").read_text()
    assert all(option in makefile for option in compose_worker_options())


def wait_for_heartbeat(hostname: str, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(hostname=hostname).exists():
            return True
        time.sleep(0.3)
    return False


def send_ping(broker, queue: str) -> str:
    hostname = f"probe-{uuid.uuid4().hex[:8]}"
    broker._pool = None  # a fresh connection to the restarted server
    broker.amqp._producer_pool = None
    ping.apply_async(kwargs={"hostname": hostname}, queue=queue, retry=True)
    return hostname


@pytest.mark.django_db(transaction=True)
def test_the_worker_reconnects_after_redis_restarts(stack_on_own_redis, real_broker, tmp_path):
    redis_server = stack_on_own_redis
    queue = f"test-{uuid.uuid4().hex[:10]}"
    db = connection.settings_dict
    environment = dict(os.environ)
    environment.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            f"?application_name={queue}"
        ),
        REDIS_URL=redis_server.url(0),
        CELERY_BROKER_URL=redis_server.url(1),
        CELERY_TASK_ALWAYS_EAGER="0",
    )
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "zhouqu_jiazheng", "worker",
             "--queues", queue, "--concurrency", "1", "--loglevel", "INFO",
             "--hostname", f"{queue}@test", *compose_worker_options()],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        assert wait_for_heartbeat(send_ping(real_broker, queue)), log.read_text()[-3000:]
        for _ in range(3):
            redis_server.stop()
            time.sleep(3)
            assert worker.poll() is None, log.read_text()[-3000:]
            redis_server.start()
            hostname = send_ping(real_broker, queue)
            assert wait_for_heartbeat(hostname), log.read_text()[-3000:]
            assert worker.poll() is None
        text = log.read_text()
        assert text.count("Connection to broker lost") >= 3
        assert "Unrecoverable error" not in text and "AttributeError" not in text, text[-3000:]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
