"""`/metrics`: who may read it, and what each metric family says."""

import re
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from kombu import Exchange, Queue
from prometheus_client.parser import text_string_to_metric_families

from core.metrics.exposition import metrics_exposition
from core.outbox import outboxes
from tests.factories.registry import EnterpriseFactory
from zhouqu_jiazheng.celery import app as celery_app

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"


@celery_app.task(name="tests.core.test_metrics.always_fails")
def always_fails():
    raise RuntimeError("broken on purpose")


def samples(body: bytes) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def value(found: dict, name: str, **labels) -> float | None:
    return found.get((name, frozenset(labels.items())))


def scrape(client, **extra) -> dict:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return samples(response.content)


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def test_metrics_are_refused_with_a_404_without_an_allowed_address_or_the_token(client, token):
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    assert client.get("/metrics", **outside).status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token", **outside)
    assert wrong.status_code == 404
    basic = client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}", **outside)
    assert basic.status_code == 404
    # Through the reverse proxy the application sees 127.0.0.1: the address does not count.
    proxied = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert proxied.status_code == 404
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405

    assert (
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **outside).status_code == 200
    )
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_prometheus_scrapes_over_plain_http_without_a_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    assert client.get("/", REMOTE_ADDR="127.0.0.1").status_code == 301  # other pages redirect


def test_allowed_networks_are_configurable_and_an_empty_token_opens_nothing(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "not-an-address"]
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    empty = client.get("/metrics", REMOTE_ADDR="192.0.2.1", HTTP_AUTHORIZATION="Bearer ")
    assert empty.status_code == 404


def test_request_latency_is_counted_by_view_name_never_by_path(client):
    before = samples(metrics_exposition()[0])
    client.get("/healthz")
    client.get("/verify/no-such-token-1234/")
    client.get("/no/such/page/at/all/")
    after = scrape(client)

    def grew(name, **labels):
        return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)

    assert grew("zqjz_http_request_duration_seconds_count", view="healthz") == 1
    assert grew("zqjz_http_request_duration_seconds_sum", view="healthz") > 0
    assert grew("zqjz_http_responses_total", view="healthz", method="GET", status="2xx") == 1
    assert grew("zqjz_http_responses_total", view="verify", method="GET", status="4xx") == 1
    assert grew("zqjz_http_request_duration_seconds_count", view="<unresolved>") == 1
    assert not any(
        "no-such-token" in str(labels) or "/no/such" in str(labels) for _, labels in after
    )


def test_outbox_backlog_and_sms_failures(client):
    from registry.models import DocumentNotice

    enterprise = EnterpriseFactory()

    def notice(channel, status="pending", last_error=""):
        return DocumentNotice.objects.create(
            enterprise=enterprise,
            channel=channel,
            recipient="13800000000" if channel == "sms" else "a@b.cn",
            body="证件即将到期",
            status=status,
            last_error=last_error,
        )

    old = notice("email")
    DocumentNotice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    notice("sms")
    notice("sms", "failed", "Undeliverable: no address for this recipient any more")
    notice("sms", "failed", "ConnectionError: gateway down")
    notice("sms", "failed", "ConnectionError: gateway down")
    notice("email", "failed", "SMTPException: refused")
    notice("sms", "sent")

    found = scrape(client)
    label = "registry.DocumentNotice"
    assert value(found, "zqjz_outbox_pending", outbox=label) == 2
    assert 7200 <= value(found, "zqjz_outbox_oldest_pending_age_seconds", outbox=label) < 7300
    assert value(found, "zqjz_outbox_failed", outbox=label) == 4
    assert value(found, "zqjz_sms_failed", outbox=label, reason="undeliverable") == 1
    assert value(found, "zqjz_sms_failed", outbox=label, reason="gateway") == 2
    for outbox in outboxes():  # every outbox is reported, with nothing pending here
        assert value(found, "zqjz_outbox_pending", outbox=outbox.label) is not None
    assert (
        value(found, "zqjz_outbox_oldest_pending_age_seconds", outbox="programme.TaskReminder") == 0
    )
    # An outbox of e-mails only has no SMS series.
    assert (
        value(found, "zqjz_sms_failed", outbox="programme.TaskReminder", reason="gateway") is None
    )


def test_a_running_rating_run_reports_its_progress_and_age(client):
    from credit.models import EvaluationStandard, RatingRun

    standards = EvaluationStandard.objects.filter(year=2025, status="active")
    now = timezone.now()
    RatingRun.objects.create(
        year=2025,
        status="running",
        enterprise_standard=standards.get(subject_type="enterprise"),
        worker_standard=standards.get(subject_type="worker"),
        subjects_total=900,
        subjects_done=300,
        chunks_total=9,
        chunks_done=3,
        started_at=now - timedelta(minutes=30),
        progressed_at=now - timedelta(minutes=20),
    )
    found = scrape(client)
    assert value(found, "zqjz_rating_runs_unfinished", status="running") == 1
    assert value(found, "zqjz_rating_runs_unfinished", status="pending") == 0
    assert value(found, "zqjz_rating_run_subjects_done", year="2025") == 300
    assert value(found, "zqjz_rating_run_subjects_total", year="2025") == 900
    assert value(found, "zqjz_rating_run_chunks_done", year="2025") == 3
    assert value(found, "zqjz_rating_run_chunks_total", year="2025") == 9
    assert 1800 <= value(found, "zqjz_rating_run_age_seconds", year="2025") < 1900
    assert 1200 <= value(found, "zqjz_rating_run_last_progress_age_seconds", year="2025") < 1300


def test_queue_depth_counts_every_priority_list_of_each_queue(client):
    # A queue of this test's own: other tests may leave tasks in the project's queues.
    name = f"test-metrics-{uuid.uuid4().hex[:8]}"
    project_queues = celery_app.conf.task_queues
    celery_app.conf.task_queues = (Queue(name, Exchange(name, type="direct"), routing_key=name),)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    keys = [name, f"{name}\x06\x163", f"{name}\x06\x169"]
    try:
        broker.rpush(keys[0], "a", "b", "c")
        broker.rpush(keys[1], "d")
        broker.rpush(keys[2], "e")
        found = scrape(client)
    finally:
        celery_app.conf.task_queues = project_queues
        broker.delete(*keys)
    assert value(found, "zqjz_celery_queue_length", queue=name) == 5
    assert value(found, "zqjz_celery_unacked") is not None
    assert value(found, "zqjz_metrics_source_up", source="broker") == 1


def test_project_queues_are_reported(client):
    found = scrape(client)
    assert value(found, "zqjz_celery_queue_length", queue="default") is not None
    assert value(found, "zqjz_celery_queue_length", queue="bulk") is not None


def test_task_failures_and_last_successes_are_kept_for_every_process_to_report(client):
    from complaints.tasks import check_deadlines

    # As in a worker: the error is recorded, not raised to the caller.
    for _ in range(2):
        assert always_fails.apply(throw=False).state == "FAILURE"
    started = time.time()
    check_deadlines.apply()
    found = scrape(client)
    failures = value(found, "zqjz_celery_task_failures_total", task=always_fails.name)
    assert failures == 2
    last = value(
        found,
        "zqjz_celery_task_last_success_timestamp_seconds",
        task="complaints.tasks.check_deadlines",
    )
    assert started <= last <= time.time()
    # A task that failed has no success recorded.
    assert (
        value(found, "zqjz_celery_task_last_success_timestamp_seconds", task=always_fails.name)
        is None
    )


def test_a_source_down_is_reported_and_the_others_still_answer(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    found = scrape(client)
    assert value(found, "zqjz_metrics_source_up", source="broker") == 0
    assert value(found, "zqjz_metrics_source_up", source="outboxes") == 1
    assert value(found, "zqjz_metrics_source_up", source="rating_runs") == 1
    assert value(found, "zqjz_celery_queue_length", queue="default") is None
    assert value(found, "zqjz_outbox_pending", outbox="registry.DocumentNotice") == 0


def test_a_scrape_costs_one_query_per_outbox_and_one_for_the_rating_runs(
    django_assert_num_queries,
):
    from registry.models import DocumentNotice

    enterprise = EnterpriseFactory()
    for status in ("pending", "failed", "pending"):
        DocumentNotice.objects.create(
            enterprise=enterprise, channel="sms", recipient="13800000000", body="x", status=status
        )
    assert len(outboxes()) == 5
    with django_assert_num_queries(6):
        metrics_exposition()


def test_every_metric_the_alert_rules_use_is_exposed():
    from ruamel.yaml import YAML

    rules = YAML(typ="safe").load((settings.BASE_DIR / "deploy" / "alerts.yml").read_text())
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    used = {name for expr in expressions for name in re.findall(r"zqjz_\w+", expr)}
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    exposed = {
        family.name + suffix
        for family in text_string_to_metric_families(metrics_exposition()[0].decode())
        for suffix in suffixes.get(family.type, ("",))
    }
    assert len(expressions) >= 6
    assert used - exposed == set()
