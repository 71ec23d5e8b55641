"""Load test of complaint intake: 1,000 complaints from 20 concurrent clients against gunicorn.

Each client behaves like a resident's browser: it opens the form (CSRF cookie and the form's
one-time token), posts it, follows the redirect and reads the tracking number off the page.
The baseline, measured in the same run with the same clients, is opening the public home
page. Checks: exactly 1,000 complaints stored, every tracking number unique and equal to
the one its client read.
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import redis
from django.db import connection

from complaints.models import Complaint
from tests.factories.registry import EnterpriseFactory, township

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "1000"))
CLIENTS = 20
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
BROKER_DB = "redis://127.0.0.1:6379/9"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DEBUG": "1",
        "CELERY_BROKER_URL": BROKER_DB,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # One address sends everything here; the per-phone limit still applies.
        "COMPLAINT_RATE_PER_IP": "100000/h",
        "CACHE_KEY_PREFIX": f"bench-{port}",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "zhouqu_jiazheng.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(process.stderr.read().decode()[-2000:])


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> str:
        body = urllib.parse.urlencode(data).encode()
        # Only http://127.0.0.1 URLs built above are opened.
        request = urllib.request.Request(self.base + path, data=body, method="POST")  # noqa: S310
        request.add_header("Referer", self.base + path)
        with self.opener.open(request, timeout=30) as response:  # follows the redirect
            return response.read().decode()


def field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def one_complaint(base: str, index: int, township_id: int, enterprise_name: str):
    browser = Browser(base)
    form = browser.get("/complaints/new/")
    started = time.perf_counter()
    page = browser.post(
        "/complaints/new/",
        {
            "csrfmiddlewaretoken": field(form, "csrfmiddlewaretoken"),
            "submission_token": field(form, "submission_token"),
            "complainant_name": "压力测试",
            "phone": f"139{index:08d}",
            "township": township_id,
            "enterprise_query": enterprise_name,
            "service_date": "2025-10-01",
            "category": "overcharging",
            "description": f"第{index}号测试投诉：服务结束后多收费用，事先没有说明。",
            "desired_outcome": "退还多收的费用",
            "consent": "on",
        },
    )
    elapsed = time.perf_counter() - started
    number = re.search(r'data-tracking-number="(TS\d{8}[A-Z2-9]{6})"', page)
    return elapsed, number.group(1) if number else None


def home_page(base: str, _index: int):
    browser = Browser(base)
    started = time.perf_counter()
    browser.get("/")
    return time.perf_counter() - started, None


def run_clients(function, count: int, *args):
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(lambda i: function(*((args[0], i) + args[1:])), range(count)))
    return time.perf_counter() - started, results


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def test_a_thousand_complaints_from_twenty_clients(bench):
    town = township()
    enterprise = EnterpriseFactory(name="舟曲县压力测试家政服务有限公司", township=town)
    port = free_port()
    server = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    try:
        home_wall, home = run_clients(home_page, COMPLAINTS, base)
        wall, results = run_clients(one_complaint, COMPLAINTS, base, town.pk, enterprise.name)
    finally:
        server.terminate()
        server.wait(timeout=30)
        redis.Redis.from_url(BROKER_DB).flushdb()

    numbers = [number for _, number in results]
    assert None not in numbers, "a client did not read its tracking number"
    stored = list(Complaint.objects.values_list("tracking_number", flat=True))
    assert len(stored) == COMPLAINTS
    assert len(set(stored)) == COMPLAINTS
    assert sorted(stored) == sorted(numbers)
    assert Complaint.objects.filter(enterprise=enterprise).count() == COMPLAINTS

    latencies = [elapsed for elapsed, _ in results]
    home_latencies = [elapsed for elapsed, _ in home]
    bench.record("complaints stored", len(stored))
    bench.record("unique tracking numbers", len(set(stored)))
    bench.record("gunicorn workers", GUNICORN_WORKERS)
    bench.record("complaints per second", COMPLAINTS / wall, "/s")
    bench.record("submit p50", statistics.median(latencies) * 1000, "ms")
    bench.record("submit p95", p95(latencies) * 1000, "ms")
    bench.record("baseline home page per second", COMPLAINTS / home_wall, "/s")
    bench.record("baseline home page p95", p95(home_latencies) * 1000, "ms")
    bench.record("submit p95 / home page p95", p95(latencies) / p95(home_latencies), "×")
    assert threading.active_count() < 50
