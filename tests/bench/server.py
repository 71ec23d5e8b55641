"""The benchmarks' web server and clients: gunicorn as production runs it (DEBUG off, on
PostgreSQL), driven by threads that behave like browsers, timed in the same run as a baseline.

The server uses the test database, the test process's keys (so that it reads the rows the
test wrote), its own cache key prefix, and the Celery broker given in CELERY_BROKER_URL
(`make bench`: TEST_BROKER_URL), which nothing consumes during a benchmark and which the
benchmark empties afterwards. Plain HTTP on 127.0.0.1: the HTTPS redirect and secure cookies
are off, and static files are served without the collectstatic manifest.
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
RUNS = 3  # every figure is the median of three runs


def scale() -> float:
    """BENCH_SCALE multiplies every benchmark's size (1 = the sizes the targets are set for)."""
    return float(os.environ.get("BENCH_SCALE", "1"))


def scaled(name: str, full: int, least: int = 10) -> int:
    """A benchmark's size: the variable `name` when set, else `full` × BENCH_SCALE."""
    if name in os.environ:
        return int(os.environ[name])
    return max(least, int(full * scale()))


def broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or settings.CELERY_BROKER_URL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(port: int, **overrides: str) -> dict[str, str]:
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "PERSONAL_DATA_KEY": settings.PERSONAL_DATA_KEY,
        "PERSONAL_DATA_HASH_KEY": settings.PERSONAL_DATA_HASH_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_MANIFEST": "0",
        "LOG_LEVEL": "WARNING",
        "BENCH_BASELINE_VIEW": "1",
        "CELERY_BROKER_URL": broker_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CACHE_KEY_PREFIX": f"bench-{port}",
        # One address sends everything here; the per-phone limit still applies.
        "COMPLAINT_RATE_PER_IP": "1000000/h",
        "VERIFY_RATE_PER_IP": "1000000/m",
        **overrides,
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return environment


@contextmanager
def gunicorn(workers: int = GUNICORN_WORKERS, **overrides: str):
    """A running server; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "zhouqu_jiazheng.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=server_environment(port, **overrides),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    process.kill()
                    raise RuntimeError(process.stderr.read().decode()[-2000:]) from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        redis.Redis.from_url(broker_url()).flushdb()


def field(html: str, name: str) -> str:
    """The value of a form's hidden field (the CSRF token) in a page's HTML."""
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


class _KeepRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the caller reads the redirect's Location itself


class Browser:
    """One resident's browser: keeps its cookies, follows redirects (`post_unfollowed` does
    not, so that the POST and the page it redirects to can be timed apart)."""

    def __init__(self, base: str):
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(CookieJar())
        self.opener = urllib.request.build_opener(cookies)
        self.unfollowing = urllib.request.build_opener(cookies, _KeepRedirect)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> str:
        body = urllib.parse.urlencode(data).encode()
        # Only http://127.0.0.1 URLs built above are opened.
        request = urllib.request.Request(self.base + path, data=body, method="POST")  # noqa: S310
        request.add_header("Referer", self.base + path)
        with self.opener.open(request, timeout=60) as response:  # follows the redirect
            return response.read().decode()

    def sign_in(self, path: str, username: str, password: str) -> None:
        """Sign in through the login form at `path`, as a person does."""
        form = self.get(path)
        self.post(
            path,
            {"csrfmiddlewaretoken": field(form, "csrfmiddlewaretoken"),
             "username": username, "password": password},
        )  # fmt: skip

    def post_unfollowed(self, path: str, data: dict) -> str:
        """POST without following the answer's redirect: the path it redirects to."""
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")  # noqa: S310
        request.add_header("Referer", self.base + path)
        try:
            with self.unfollowing.open(request, timeout=60) as response:
                response.read()
                location = response.headers.get("Location")
        except urllib.error.HTTPError as redirect:
            location = redirect.headers.get("Location")
        if not location:
            raise AssertionError(f"{path} answered without a redirect")
        return location.removeprefix(self.base)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94] if len(values) > 1 else values[0]


@dataclass(frozen=True)
class Load:
    per_second: float
    p95_ms: float
    results: list


def load(function, count: int, clients: int) -> Load:
    """`function(index)` → (seconds, result), called `count` times from `clients` threads."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        outcomes = list(pool.map(function, range(count)))
    wall = time.perf_counter() - started
    return Load(count / wall, p95([s for s, _ in outcomes]) * 1000, [r for _, r in outcomes])


def median_load(function, count: int, clients: int) -> Load:
    """Three runs; throughput and p95 are each the median of the three."""
    runs = [
        load(lambda i, run=run: function(run * count + i), count, clients) for run in range(RUNS)
    ]
    return Load(
        statistics.median(r.per_second for r in runs),
        statistics.median(r.p95_ms for r in runs),
        [result for r in runs for result in r.results],
    )


@dataclass(frozen=True)
class Paired:
    """A measured load and its baseline, run alternately (baseline, measured) three times
    so that a slow moment of the machine weighs on both: each ratio is the median of the
    three runs' ratios."""

    baseline: Load
    measured: Load
    throughput_ratio: float  # measured requests/s ÷ baseline's
    p95_ratio: float  # measured p95 ÷ baseline's


def paired_load(baseline, measured, count: int, clients: int) -> Paired:
    pairs = []
    for run in range(RUNS):
        base_run = load(lambda i, run=run: baseline(run * count + i), count, clients)
        measured_run = load(lambda i, run=run: measured(run * count + i), count, clients)
        pairs.append((base_run, measured_run))

    def summary(runs: list[Load]) -> Load:
        return Load(
            statistics.median(r.per_second for r in runs),
            statistics.median(r.p95_ms for r in runs),
            [result for r in runs for result in r.results],
        )

    return Paired(
        baseline=summary([b for b, _ in pairs]),
        measured=summary([m for _, m in pairs]),
        throughput_ratio=statistics.median(m.per_second / b.per_second for b, m in pairs),
        p95_ratio=statistics.median(m.p95_ms / b.p95_ms for b, m in pairs),
    )


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds_by_process() -> dict[tuple[int, int], tuple[str, float]]:
    """For each process a request goes through on this machine, its kind (the web server
    "web", "postgres", "redis", or "clients": this process) and the CPU time (user + system)
    it has used so far, by process id and start time; read from /proc. A database or cache
    on another machine is absent."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
        process = (int(entry.name), int(fields[19]))  # a reused id has another start time
        if process[0] == os.getpid():
            found[process] = ("clients", seconds)
        elif name.startswith("postgres"):
            found[process] = ("postgres", seconds)
        elif name.startswith("redis"):
            found[process] = ("redis", seconds)
        elif b"gunicorn" in command:
            found[process] = ("web", seconds)
    return found


def cpu_per_request(function, count: int, clients: int) -> dict[str, float]:
    """Milliseconds of CPU per request in each kind of process (cpu_seconds_by_process),
    over one more run of `count` requests: where a page's cost lies, beside its ratio.
    A process that ended during the run is left out (a PostgreSQL backend or an autovacuum
    worker), one that started is counted whole."""
    before = cpu_seconds_by_process()
    load(function, count, clients)
    after = cpu_seconds_by_process()
    used = {"web": 0.0, "postgres": 0.0, "redis": 0.0, "clients": 0.0}
    for process, (kind, seconds) in after.items():
        used[kind] += seconds - before.get(process, (kind, 0.0))[1]
    return {kind: value * 1000 / count for kind, value in used.items()}


def timed_get(base: str, path_for):
    """A load function: a fresh browser GETs `path_for(index)`."""

    def one(index: int):
        browser = Browser(base)
        started = time.perf_counter()
        browser.get(path_for(index))
        return time.perf_counter() - started, None

    return one
