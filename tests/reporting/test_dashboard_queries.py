"""The dashboard page (the admin index) costs a fixed number of queries, uncached, whatever
the size of the county: counted on the small county and again after every table has been
tripled, so a panel that queries once per row (N+1) fails here, and so does a new panel's
query until the ceiling below is raised on purpose."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import inbox
from core.admin_scale import forget_estimates
from reporting.dashboard import dashboard_cache_key
from tests.admin_county import admin_county
from tests.core.test_admin_query_counts import MUST_GROW, _tripled

# Session, user, the recent-actions box, the inbox (one query for every row) and the
# figures: one pass over each register for its totals and its townships, and a few small
# aggregates per panel. Raise it only for a new panel, never for rows.
UNCACHED_QUERIES = 34
# Cached figures: only the session, the user, the inbox and the recent-actions box.
CACHED_QUERIES = 4


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield admin_county()
        transaction.set_rollback(True)


def _count(client, url: str, *, cached: bool = False) -> int:
    if not cached:
        cache.delete(dashboard_cache_key(timezone.localdate().year))
        forget_estimates()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_dashboard_query_count_does_not_grow_with_the_rows(county):
    client = Client()
    client.force_login(get_user_model().objects.get(username="root"))
    html = client.get("/admin/").content.decode()
    assert "待办事项" in html  # the inbox has rows to count
    before = _count(client, "/admin/")
    grown = {model._meta.label for model in admin.site._registry if _tripled(model)}
    assert not [label for label in MUST_GROW if label not in grown]
    after = _count(client, "/admin/")
    assert after == before, f"{before} queries, {after} with three times the rows"
    assert after <= UNCACHED_QUERIES
    assert _count(client, "/admin/", cached=True) <= CACHED_QUERIES


@pytest.mark.django_db
def test_the_inbox_is_one_query_whatever_the_number_of_sources(county):
    client = Client()
    client.force_login(get_user_model().objects.get(username="root"))
    _count(client, "/admin/")  # the figures cached
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/")
    inbox_queries = [q for q in queries.captured_queries if "UNION ALL" in q["sql"]]
    assert len(inbox_queries) == 1
    assert len(inbox.INBOX_SOURCES.entries()) > 10
