"""Complaint intake through a Redis outage: 300 complaints from 10 clients against gunicorn
whose cache and broker share one Redis (the compose layout, here a redis-server of the
benchmark's own); that Redis is stopped for 15 s in the middle of the run.

Checks: no answer is a server error, every complaint is stored exactly once with its
acknowledgement in the outbox (no worker runs here: they all wait for one). Figures:
server errors, complaints stored, median latency during and outside the outage.
"""

import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from complaints.models import Complaint, Notification
from tests.bench.server import ROOT, Browser, field, free_port, server_environment
from tests.conftest import RedisProcess
from tests.factories.registry import township

pytestmark = pytest.mark.django_db(transaction=True)

COMPLAINTS = int(os.environ.get("BENCH_OUTAGE_COMPLAINTS", "300"))
CLIENTS = 10
OUTAGE_STARTS, OUTAGE_SECONDS = 5.0, 15.0
PACE = 0.3  # seconds between one client's submissions, so the run spans the outage


def start_gunicorn(port: int, redis_url: str, broker_url: str) -> subprocess.Popen:
    # Production settings (DEBUG off), with this benchmark's own Redis for cache and broker.
    environment = server_environment(port, REDIS_URL=redis_url, CELERY_BROKER_URL=broker_url)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "zhouqu_jiazheng.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "3", "--log-level", "warning"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def test_complaints_through_a_redis_outage(bench, tmp_path):
    town = township()
    server_redis = RedisProcess(tmp_path)
    server_redis.start()
    port = free_port()
    web = start_gunicorn(port, server_redis.url(0), server_redis.url(1))
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    outage: dict[str, float] = {}

    def cut():
        time.sleep(OUTAGE_STARTS)
        outage["from"] = time.monotonic() - started
        server_redis.stop()
        time.sleep(OUTAGE_SECONDS)
        server_redis.start()
        outage["to"] = time.monotonic() - started

    def one(index: int):
        time.sleep((index // CLIENTS) * PACE)
        browser = Browser(base)
        at = time.monotonic() - started
        try:
            form = browser.get("/complaints/new/")
            begun = time.perf_counter()
            browser.post(
                "/complaints/new/",
                {
                    "csrfmiddlewaretoken": field(form, "csrfmiddlewaretoken"),
                    "submission_token": field(form, "submission_token"),
                    "complainant_name": "断电测试",
                    "phone": f"138{index:08d}",
                    "township": town.pk,
                    "enterprise_query": "城关镇一家家政公司",
                    "service_date": "2025-10-01",
                    "category": "overcharging",
                    "description": f"第{index}号测试投诉：服务结束后多收费用，事先没有说明。",
                    "desired_outcome": "退还多收的费用",
                    "consent": "on",
                },
            )
            return at, 200, time.perf_counter() - begun
        except urllib.error.HTTPError as error:
            return at, error.code, 0.0

    cutter = threading.Thread(target=cut)
    cutter.start()
    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            results = list(pool.map(one, range(COMPLAINTS)))
    finally:
        cutter.join()
        web.terminate()
        web.wait(timeout=30)
        server_redis.stop()

    statuses = [status for _, status, _ in results]
    during = [s for at, _, s in results if outage["from"] <= at <= outage["to"]]
    outside = [s for at, _, s in results if not outage["from"] <= at <= outage["to"]]
    bench.record("complaints posted", COMPLAINTS)
    bench.record("posted while Redis was down", len(during))
    bench.record("server errors", sum(status >= 500 for status in statuses))
    bench.record("complaints stored", Complaint.objects.count())
    bench.record("acknowledgements in the outbox", Notification.objects.count())
    bench.record("submit median, Redis down", statistics.median(during) * 1000, "ms")
    bench.record("submit median, Redis up", statistics.median(outside) * 1000, "ms")
    assert len(during) >= CLIENTS
    assert statuses == [200] * COMPLAINTS
    assert Complaint.objects.count() == COMPLAINTS
    assert Notification.objects.filter(status=Notification.Status.PENDING).count() == COMPLAINTS
