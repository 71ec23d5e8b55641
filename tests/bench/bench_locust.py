"""A mixed load with Locust (tests/bench/locustfile.py), headless, against gunicorn with DEBUG
off: residents browsing and complaining, enterprises in the portal, staff in the admin, while
the year's rating runs in the background (`run_rating --sync` in its own process).

Reported: requests/s, p95 and failures per page and in all, each page's p95 against the
baseline page's p95 under the same load, and the rating's wall time under the load. Sizes:
BENCH_LOCUST_USERS (default 30), BENCH_LOCUST_SECONDS (default 60), and the synthetic data
× BENCH_SCALE. Target: no failed request.
"""

import csv
import json
import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model

from credit.management.commands.generate_synthetic import generate
from tests.bench.bench_pages import scannable_card_token
from tests.bench.server import ROOT, gunicorn, scaled, server_environment
from tests.factories.registry import EnterpriseFactory, township
from tests.portal_fixtures import PASSWORD, portal_account

pytestmark = pytest.mark.django_db(transaction=True)

USERS = int(os.environ.get("BENCH_LOCUST_USERS", "30"))
SECONDS = int(os.environ.get("BENCH_LOCUST_SECONDS", "60"))
ENTERPRISES = scaled("BENCH_LOCUST_ENTERPRISES", 20_000)
WORKERS = scaled("BENCH_LOCUST_WORKERS", 200_000)
INPUTS = scaled("BENCH_LOCUST_INPUTS", 2_000_000)
CARDS = scaled("BENCH_PAGE_CARDS", 200, least=20)


def prepare(directory) -> dict:
    generate(enterprises=ENTERPRISES, workers=WORKERS, inputs=INPUTS, year=2025)
    town = township()
    enterprises = [
        EnterpriseFactory(name=f"舟曲县负载{i}号家政服务有限公司", township=town) for i in range(5)
    ]
    accounts = [portal_account(enterprise).user.username for enterprise in enterprises]
    get_user_model().objects.create_superuser("bench-staff", "staff@example.org", PASSWORD)
    data = {
        "tokens": [scannable_card_token(i) for i in range(CARDS)],
        "township": town.pk,
        "enterprise_names": [enterprise.name for enterprise in enterprises],
        "portal_accounts": accounts,
        "staff": "bench-staff",
        "password": PASSWORD,
    }
    path = directory / "locust-data.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


def test_mixed_load_with_a_rating_in_the_background(bench, tmp_path):
    data = prepare(tmp_path)
    bench.record("users", USERS)
    bench.record("seconds", SECONDS)
    bench.record("synthetic enterprises / workers / inputs", f"{ENTERPRISES}/{WORKERS}/{INPUTS}")
    with gunicorn() as base:
        environment = server_environment(0)
        rating = subprocess.Popen(
            [sys.executable, "manage.py", "run_rating", "--year", "2025", "--sync"],
            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        rating_started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", "tests/bench/locustfile.py", "--headless",
             "--users", str(USERS), "--spawn-rate", str(max(1, USERS // 5)),
             "--run-time", f"{SECONDS}s", "--host", base, "--csv", str(tmp_path / "load"),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "BENCH_LOCUST_DATA": str(data)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=SECONDS + 120,
        )  # fmt: skip
        rating_done = rating.poll() is not None
        rating.wait(timeout=3600)
        rating_s = time.perf_counter() - rating_started
        assert rating.returncode == 0, rating.stderr.read().decode()[-2000:]

    with open(tmp_path / "load_stats.csv", encoding="utf-8") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    baseline_p95 = float(rows["/bench/baseline/"]["95%"])
    bench.record("rating run s (under load, until done)", rating_s, "s")
    bench.record("rating finished within the load", "yes" if rating_done else "no")
    bench.record("baseline p95", baseline_p95, "ms")
    for name, row in sorted(rows.items()):
        if name in ("Aggregated", "/bench/baseline/"):
            continue
        p95 = float(row["95%"])
        bench.record(f"{name} requests/s", float(row["Requests/s"]), "/s")
        bench.record(f"{name} p95", p95, "ms")
        bench.record(f"{name} p95 / baseline p95", p95 / baseline_p95, "×")
        bench.record(f"{name} failures", int(row["Failure Count"]))
    total = rows["Aggregated"]
    bench.record("all requests", int(total["Request Count"]))
    bench.record("all requests/s", float(total["Requests/s"]), "/s")
    bench.record("all p95", float(total["95%"]), "ms")
    with open(tmp_path / "load_failures.csv", encoding="utf-8") as failures:
        for row in csv.DictReader(failures):
            print(
                f"  failure: {row['Method']} {row['Name']}: {row['Error']} × {row['Occurrences']}"
            )
    bench.target("failed requests", int(total["Failure Count"]), at_most=0, unit="")
