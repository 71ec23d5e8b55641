"""Mixed load for Locust: residents browsing and complaining, enterprises in their portal,
staff in the admin. `make bench` runs it headless through tests/bench/bench_locust.py, which
prepares the data, starts gunicorn and a rating run in the background, and reports the
figures; by hand:

    locust -f tests/bench/locustfile.py --host http://127.0.0.1:8000

BENCH_LOCUST_DATA names a JSON file with the card tokens, the township, the enterprise names,
the portal accounts and the staff account to use (bench_locust.py writes it).
"""

import itertools
import json
import os
import random
import re
from datetime import date, timedelta
from urllib.parse import quote

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["BENCH_LOCUST_DATA"], encoding="utf-8").read())  # noqa: SIM115
PHONES = itertools.count(1)
PORTAL_ACCOUNTS = itertools.cycle(DATA["portal_accounts"])


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    return found.group(1) if found else ""


def login(user: HttpUser, path: str, username: str, password: str, name: str, then: str):
    page = user.client.get(path, name=f"{name} (form)")
    user.client.post(
        path,
        {
            "csrfmiddlewaretoken": hidden(page.text, "csrfmiddlewaretoken"),
            "username": username,
            "password": password,
            "next": then,
        },
        headers={"Referer": user.host + path},
        name=name,
    )


class Resident(HttpUser):
    """Browses the public pages, scans a worker's card, now and then files a complaint."""

    weight = 8
    wait_time = between(1, 3)

    @task(4)
    def home(self):
        self.client.get("/", name="/")

    @task(3)
    def credit_search(self):
        name = random.choice(DATA["enterprise_names"])[:6]
        self.client.get("/credit/?q=" + quote(name), name="/credit/?q=<name>")

    @task(1)
    def credit_browse(self):
        self.client.get("/credit/?q=", name="/credit/?q=")

    @task(3)
    def verify(self):
        token = random.choice(DATA["tokens"])
        self.client.get(f"/verify/{token}/", name="/verify/<token>/")

    @task(1)
    def complain(self):
        form = self.client.get("/complaints/new/", name="/complaints/new/ (form)")
        index = next(PHONES)
        self.client.post(
            "/complaints/new/",
            {
                "csrfmiddlewaretoken": hidden(form.text, "csrfmiddlewaretoken"),
                "submission_token": hidden(form.text, "submission_token"),
                "complainant_name": "压力测试",
                "phone": f"137{os.getpid() % 100:02d}{index:06d}",
                "township": DATA["township"],
                "enterprise_query": random.choice(DATA["enterprise_names"]),
                "service_date": (date.today() - timedelta(days=3)).isoformat(),
                "category": "overcharging",
                "description": f"第{index}号测试投诉：服务结束后多收费用，事先没有说明。",
                "desired_outcome": "退还多收的费用",
                "consent": "on",
            },
            headers={"Referer": self.host + "/complaints/new/"},
            name="/complaints/new/ (submit)",
        )


class Enterprise(HttpUser):
    """An enterprise's manager in the portal: home, complaints, ratings, agreements."""

    weight = 2
    wait_time = between(2, 5)

    def on_start(self):
        account = next(PORTAL_ACCOUNTS)
        login(self, "/portal/login/", account, DATA["password"], "/portal/login/", "/portal/")

    @task(3)
    def home(self):
        self.client.get("/portal/", name="/portal/")

    @task(2)
    def complaints(self):
        self.client.get("/portal/complaints/", name="/portal/complaints/")

    @task(1)
    def ratings(self):
        self.client.get("/portal/credit/", name="/portal/credit/")

    @task(1)
    def agreements(self):
        self.client.get("/portal/agreements/", name="/portal/agreements/")


class Staff(HttpUser):
    """An officer in the admin: the complaint list, enterprise search, the index."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        login(self, "/admin/login/", DATA["staff"], DATA["password"], "/admin/login/", "/admin/")

    @task(3)
    def complaints(self):
        self.client.get("/admin/complaints/complaint/", name="/admin/complaints/complaint/")

    @task(2)
    def enterprise_search(self):
        name = random.choice(DATA["enterprise_names"])[:6]
        self.client.get(
            "/admin/registry/enterprise/?q=" + quote(name), name="/admin/registry/enterprise/?q="
        )

    @task(1)
    def index(self):
        self.client.get("/admin/", name="/admin/")


class Baseline(HttpUser):
    """The baseline page (BENCH_BASELINE_VIEW) in the same mix: its p95 under this very load
    is what the pages' p95 are divided by."""

    weight = 1
    wait_time = between(1, 3)

    @task
    def baseline(self):
        self.client.get("/bench/baseline/", name="/bench/baseline/")
