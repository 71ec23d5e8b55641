"""Load test of complaint intake: 1,000 complaints from 20 concurrent clients against gunicorn
(DEBUG off, PostgreSQL), three runs.

Each client behaves like a resident's browser: it opens the form (CSRF cookie and the form's
one-time token), posts it, follows the redirect and reads the tracking number off the
acknowledgement page. The baseline, measured in the same run with the same clients, is
opening the public home page; the two alternate (home, submit) three times, and the ratio is
the median of the three runs' ratios. Checks: every run's 1,000 complaints stored, every
tracking number unique and equal to the one its client read.

Target: the submission (the POST, which stores the case and answers with a redirect) p95
≤ 3× the home page's. The POST and the acknowledgement page it redirects to are timed apart;
the two together (what the resident waits for) are printed beside it as a ratio too: under
load each of the two requests waits its turn in the server's queue, so the pair costs about
twice the queueing of one page whatever either request costs.
BENCH_COMPLAINTS (default 1,000 × BENCH_SCALE) sets the number per run.
"""

import re
import statistics
import threading
import time

import pytest

from complaints.models import Complaint
from tests.bench.server import (
    GUNICORN_WORKERS,
    RUNS,
    Browser,
    field,
    gunicorn,
    p95,
    paired_load,
    scaled,
    timed_get,
)
from tests.factories.registry import EnterpriseFactory, township

pytestmark = pytest.mark.django_db(transaction=True)

COMPLAINTS = scaled("BENCH_COMPLAINTS", 1000, least=40)
CLIENTS = 20


def one_complaint(base: str, index: int, township_id: int, enterprise_name: str):
    browser = Browser(base)
    form = browser.get("/complaints/new/")
    started = time.perf_counter()
    acknowledgement = browser.post_unfollowed(
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
    posted = time.perf_counter()
    page = browser.get(acknowledgement)
    both = time.perf_counter() - started
    number = re.search(r'data-tracking-number="(TS\d{8}[A-Z2-9]{6})"', page)
    return posted - started, (number.group(1) if number else None, both)


def test_a_thousand_complaints_from_twenty_clients(bench):
    town = township()
    enterprise = EnterpriseFactory(name="舟曲县压力测试家政服务有限公司", township=town)
    with gunicorn() as base:
        for _ in range(2 * GUNICORN_WORKERS):  # every worker's first requests load its code
            Browser(base).get("/")
            Browser(base).get("/complaints/new/")
        paired = paired_load(
            timed_get(base, lambda i: "/"),
            lambda i: one_complaint(base, i, town.pk, enterprise.name),
            COMPLAINTS,
            CLIENTS,
        )
    home, submit = paired.baseline, paired.measured

    numbers = [number for number, _both in submit.results]
    # The POST with the acknowledgement page: each run's p95, the median of the three.
    both = [seconds for _number, seconds in submit.results]
    with_page = statistics.median(
        p95(both[run * COMPLAINTS : (run + 1) * COMPLAINTS]) * 1000 for run in range(RUNS)
    )
    assert None not in numbers, "a client did not read its tracking number"
    stored = list(Complaint.objects.values_list("tracking_number", flat=True))
    assert len(stored) == 3 * COMPLAINTS
    assert len(set(stored)) == len(stored)
    assert sorted(stored) == sorted(numbers)
    assert Complaint.objects.filter(enterprise=enterprise).count() == 3 * COMPLAINTS

    bench.record("complaints per run", COMPLAINTS)
    bench.record("complaints stored (3 runs)", len(stored))
    bench.record("unique tracking numbers", len(set(stored)))
    bench.record("clients", CLIENTS)
    bench.record("complaints per second", submit.per_second, "/s")
    bench.record("submit (POST) p95", submit.p95_ms, "ms")
    bench.record("submit and acknowledgement page p95", with_page, "ms")
    bench.record("baseline home page per second", home.per_second, "/s")
    bench.record("baseline home page p95", home.p95_ms, "ms")
    bench.target("submit p95 / home page p95", paired.p95_ratio, at_most=3)
    bench.record(
        "submit and acknowledgement page p95 / home page p95", with_page / home.p95_ms, "×"
    )
    assert threading.active_count() < 50
