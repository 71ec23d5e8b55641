"""With Redis (cache and broker, as docker-compose lays them out) stopped, every public page
still answers, every valid complaint is stored with its messages waiting in the outbox, the
rate limits fall back as each form says, and /healthz reports the cache and the broker down.
The test runs its own redis-server and stops it; the shared Redis is never touched."""

import logging
import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from articles.models import Article
from articles.services import article_publish
from complaints.models import Complaint, Notification
from registry.models import RateLimitCounter
from registry.selectors import worker_ref
from registry.services.cards import card_issue
from tests.complaints.test_pages import form_data
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EmploymentFactory, EnterpriseFactory
from tests.incentives.test_pages import county  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def public_patterns(patterns=None, prefix=""):
    """(route, name) of every URL pattern outside the back office and the static files."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            for route, name in public_patterns(entry.url_patterns, prefix + str(entry.pattern)):
                yield route, (namespace + name if name and namespace else name)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def sample_urls(card, enterprise, worker, article) -> list[str]:
    """One address per public pattern; a new pattern with parameters must be given a sample
    here, so it is checked too."""
    year = timezone.localdate().year
    samples = {
        "posters:year": {"year": year},
        "posters:enterprise": {"year": year, "pk": enterprise.pk},
        "posters:worker": {"year": year, "pk": worker.pk},
        "posters:enterprise_picture": {"year": year, "pk": enterprise.pk},
        "posters:worker_picture": {"year": year, "pk": worker.pk},
        "credit:honor_roll_photo": {"year": year, "pk": worker.pk},
        # The worker's own record: an anonymous visitor is sent to the worker's sign-in.
        "workers:rating": {"pk": 1},
        "workers:objection_new": {"pk": 1},
        "workers:repair_new": {"pk": 1},
        "enterprises:profile": {"pk": enterprise.pk},
        "news:detail": {"pk": article.pk},
        "news:cover": {"pk": article.pk},
        "verify": {"token": card.token},
        "verify_photo": {"token": card.token},
        "protected_media": {"path": "complaints/none.pdf"},
        "credit:publicity_opinion": {"rating_id": 1},
        "bookings:cancel": {"pk": 1},
    }
    urls = []
    for route, name in public_patterns():
        if route.startswith("admin/"):
            continue
        if "<" not in route:
            urls.append("/" + route)
            continue
        if name.startswith("portal:") and name not in samples:
            # Behind the portal login: an anonymous visitor is sent to the login page.
            params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
            kwargs = {param: 1 if kind == "int" else "x" for kind, param in params}
            urls.append(reverse(name, kwargs=kwargs))
            continue
        assert name in samples, f"give the public URL pattern {route!r} ({name}) a sample"
        urls.append(reverse(name, kwargs=samples[name]))
    return urls


@pytest.fixture
def county_objects(county):  # noqa: F811
    enterprise = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司")
    employment = EmploymentFactory(enterprise=enterprise)
    card = card_issue(actor=None, employment=employment, warnings_confirmed=True)
    article = Article.objects.create(kind=Article.Kind.CASE, title="诚信家政典型案例", body="内容")
    article_publish(actor=None, article=article)
    return card, enterprise, employment.worker, article


def test_with_redis_stopped_every_public_page_answers_and_complaints_are_stored(
    client, settings, stack_on_own_redis, county_objects, django_capture_on_commit_callbacks, caplog
):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    card, enterprise, worker, _ = county_objects
    urls = sample_urls(*county_objects)
    assert "/complaints/new/" in urls and "/portal/login/" in urls and len(urls) > 25
    healthy = client.get(reverse("healthz"))
    assert healthy.status_code == 200, healthy.json()

    stack_on_own_redis.stop()

    for url in urls:
        if url == "/healthz":
            continue  # answers 503 on purpose: checked below
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)

    # A complaint is stored, and its acknowledgement waits in the outbox for the drain.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/complaints/new/", form_data(worker_ref=worker_ref(worker), token="a" * 32)
        )
    assert response.status_code == 302, response.content.decode()[:500]
    complaint = Complaint.objects.get()
    assert complaint.worker == worker
    assert set(complaint.notifications.values_list("status", flat=True)) == {
        Notification.Status.PENDING
    }
    assert client.get(response.url).status_code == 200

    # The other public forms answer too.
    tracked = ComplaintFactory(phone="13909413333")
    response = client.post(
        "/complaints/track/", {"tracking_number": tracked.tracking_number, "phone": "13909413333"}
    )
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    response = client.post(
        "/reviews/new/",
        {
            "phone": "13909414444",
            "enterprise": enterprise.pk,
            "service_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
            "quality": 5,
            "punctuality": 5,
            "attitude": 5,
            "comment": "很好",
            "consent": "on",
        },
    )
    assert response.status_code in (200, 302)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/incentives/check/", {"action": "send", "mobile": "13909415555"})
    assert response.status_code == 200 and "验证码已发送" in response.content.decode()

    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    assert health.json()["database"] == "ok"
    assert health.json()["cache"].startswith("error")
    assert health.json()["broker"].startswith("error")

    stack_on_own_redis.start()
    assert client.get(reverse("healthz")).status_code == 200


def test_with_the_cache_down_form_limits_count_in_the_database(
    client, settings, stack_on_own_redis
):
    settings.COMPLAINT_RATE_PER_IP = "3/h"
    stack_on_own_redis.stop()
    answers = [
        client.post(
            "/complaints/new/",
            form_data(
                token=f"{n}" * 32, phone=f"1390941{n:04d}", description=f"第{n}次：没打扫干净。"
            ),
        ).status_code
        for n in range(5)
    ]
    assert answers == [302, 302, 302, 429, 429]
    assert Complaint.objects.count() == 3
    assert RateLimitCounter.objects.filter(group_name="complaints.submit").get().count == 5


def test_with_the_cache_down_the_verification_page_limit_is_skipped_and_logged(
    client, settings, stack_on_own_redis, county_objects, caplog
):
    card = county_objects[0]
    settings.VERIFY_RATE_PER_IP = "1/m"
    stack_on_own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="registry.ratelimits"):
        answers = [client.get(f"/verify/{card.token}/").status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    assert "registry.verify not checked" in caplog.text
    assert not RateLimitCounter.objects.exists()
