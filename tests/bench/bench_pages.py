"""The public pages under gunicorn (DEBUG off, PostgreSQL), against a baseline in the same run.

The baseline (/bench/baseline/, routed only with BENCH_BASELINE_VIEW) renders the public
pages' layout through the same middleware with no query. Each page is requested by
BENCH_PAGE_CLIENTS concurrent clients (default: one per gunicorn worker), each request from a
fresh browser. Each page alternates with the baseline three times (baseline, page), so that
a slow moment of the machine weighs on both; requests/s and p95 are the medians of the three
runs, and each ratio the median of the three runs' ratios.

Data: 100,000 synthetic enterprises (the province's, × BENCH_SCALE) for the credit look-up,
and worker cards whose QR codes are verified (many tokens, each request another one).

Targets: every page ≥ 50 % of the baseline's requests/s; /credit/?q= p95 ≤ 50 ms. A search
for a term every enterprise's name contains (企业) is measured too, against the p95 target
only: it reads 200 matches to count them on every request (the count's cap).

Beside each ratio: the CPU time one request costs in the web server, PostgreSQL, Redis and
the clients (one more run, read from /proc), which shows where a page's cost lies.
"""

import datetime
import os
from urllib.parse import quote

import pytest
from django.db import connection

from credit.management.commands.generate_synthetic import generate
from registry.services.cards import card_issue
from tests.bench.server import (
    GUNICORN_WORKERS,
    RUNS,
    cpu_per_request,
    gunicorn,
    paired_load,
    scaled,
    timed_get,
)
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    HealthCertificateFactory,
    make_id_number,
)

pytestmark = pytest.mark.django_db(transaction=True)

ENTERPRISES = scaled("BENCH_PAGE_ENTERPRISES", 100_000)  # the province's
CARDS = scaled("BENCH_PAGE_CARDS", 200, least=20)
# Each run lasts a few seconds (1,000 requests at 250–700 a second): with runs of 400, under
# a second each, the verification page's ratio read 0.45 to 0.55 from one day to the next.
REQUESTS = scaled("BENCH_PAGE_REQUESTS", 1000, least=40)
CLIENTS = int(os.environ.get("BENCH_PAGE_CLIENTS", str(GUNICORN_WORKERS)))
# BENCH_PAGES="/credit/?q=<name>,/" measures only those pages (while working on one of them).
ONLY = [name for name in os.environ.get("BENCH_PAGES", "").split(",") if name]


def scannable_card_token(index: int) -> str:
    """A valid card's token (its QR code scans green), as an enterprise issues it.

    The worker's ID number has serial 998, which the synthetic register reaches only beyond
    11.9 million workers (credit.synthetic.registers: serial = row ÷ 12,000): the factory's
    random serial collided with the 200,000 synthetic workers of the mixed-load benchmark."""
    birth = datetime.date(1975, 1, 1) + datetime.timedelta(days=index)
    employment = EmploymentFactory(worker__id_number=make_id_number(birth, sequence=499))
    HealthCertificateFactory(
        worker=employment.worker,
        valid_from=datetime.date.today() - datetime.timedelta(days=30),
        valid_to=datetime.date.today() + datetime.timedelta(days=300),
    )
    BackgroundCheckFactory(
        worker=employment.worker,
        result="passed",
        checked_on=datetime.date.today() - datetime.timedelta(days=20),
    )
    return card_issue(actor=None, warnings_confirmed=True, employment=employment).token


COMMON_TERM = "/credit/?q=企业 (every name)"


def pages(tokens: list[str]) -> dict:
    every = {
        "/": lambda i: "/",
        "/credit/?q=": lambda i: "/credit/?q=",
        "/credit/?q=<name>": lambda i: "/credit/?q=" + quote(f"合成企业{1 + i * 37 % ENTERPRISES}"),
        # Two characters every name contains: the worst term a resident can type.
        COMMON_TERM: lambda i: "/credit/?q=" + quote("企业"),
        "/verify/<token>/": lambda i: f"/verify/{tokens[i % len(tokens)]}/",
        "/complaints/new/": lambda i: "/complaints/new/",
        "/healthz": lambda i: "/healthz",
    }
    unknown = set(ONLY) - set(every)
    if unknown:
        raise ValueError(f"BENCH_PAGES names no page of {sorted(every)}: {sorted(unknown)}")
    return {name: path_for for name, path_for in every.items() if not ONLY or name in ONLY}


def test_public_pages_against_the_baseline_view(bench):
    generate(enterprises=ENTERPRISES, workers=10, inputs=10, year=2025)
    tokens = [scannable_card_token(i) for i in range(CARDS)]
    with connection.cursor() as cursor:
        # Every table vacuumed and analysed, as autovacuum keeps a live database: without
        # statistics the planner took the few-row card and employment tables for empty and
        # joined them to the enterprises by a full scan (the verification page at a fifth
        # of its speed with 100,000 enterprises).
        cursor.execute("VACUUM (ANALYZE)")
        # The generated rows written out now, not by a checkpoint during a timed run.
        cursor.execute("CHECKPOINT")
    bench.record("enterprises", ENTERPRISES)
    bench.record("card tokens", len(tokens))
    bench.record("clients", CLIENTS)
    bench.record("requests per page per run", REQUESTS)
    with gunicorn() as base:
        for path in ["/bench/baseline/", *[f(0) for f in pages(tokens).values()]]:
            for _ in range(2 * GUNICORN_WORKERS):  # every worker's first requests load code
                timed_get(base, lambda i, path=path: path)(0)
        baseline_get = timed_get(base, lambda i: "/bench/baseline/")
        record_cpu(bench, "baseline", cpu_per_request(baseline_get, REQUESTS, CLIENTS))
        for name, path_for in pages(tokens).items():
            paired = paired_load(baseline_get, timed_get(base, path_for), REQUESTS, CLIENTS)
            bench.record(f"{name} baseline requests/s", paired.baseline.per_second, "/s")
            bench.record(f"{name} requests/s", paired.measured.per_second, "/s")
            bench.record(f"{name} p95", paired.measured.p95_ms, "ms")
            if name == COMMON_TERM:  # a figure beside the targets, with the p95's
                bench.record(f"{name} throughput / baseline", paired.throughput_ratio, "×")
            else:
                bench.target(f"{name} throughput / baseline", paired.throughput_ratio, at_least=0.5)
            if name.startswith("/credit/"):
                bench.target(f"{name} p95 vs target", paired.measured.p95_ms, at_most=50, unit="ms")
            # Requests the timed runs did not make (another name, another card), as theirs
            # were: each run asks for other ones (paired_load).
            fresh = timed_get(base, lambda i, path_for=path_for: path_for(RUNS * REQUESTS + i))
            record_cpu(bench, name, cpu_per_request(fresh, REQUESTS, CLIENTS))


def record_cpu(bench, name: str, milliseconds: dict[str, float]) -> None:
    """CPU per request by kind of process, and in all (the machine's two cores are shared
    by the clients, the server, PostgreSQL and Redis, so throughput follows the total)."""
    for kind, value in milliseconds.items():
        bench.record(f"{name} CPU per request, {kind}", value, "ms")
    bench.record(f"{name} CPU per request, all", sum(milliseconds.values()), "ms")
