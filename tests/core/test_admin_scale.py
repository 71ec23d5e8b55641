"""The admin's province-scale kit (core.admin_scale): estimated counts, searches across
foreign keys through subqueries, the same results as Django's own search."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from core import admin_scale
from core.admin_scale import EstimatedCountPaginator, forget_estimates
from credit.models import CreditEvent
from registry.models import Employment, Enterprise, Township
from tests.factories.credit import CreditEventFactory
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_above_zero(monkeypatch):
    """Every table counts as big; the estimate is read afresh."""
    monkeypatch.setattr(admin_scale, "ESTIMATE_ABOVE", 0)
    forget_estimates()
    yield
    forget_estimates()


def test_an_unfiltered_big_list_is_counted_by_the_estimate_a_filtered_one_exactly(
    big_above_zero,
):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_township")
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'registry_township'")
        estimate = cursor.fetchone()[0]
    Township.objects.create(name="新增乡", kind="township", sort_order=99)  # after ANALYZE
    exact = Township.objects.count()
    assert estimate == exact - 1

    assert EstimatedCountPaginator(Township.objects.all(), 10).count == estimate
    filtered = Township.objects.filter(name="新增乡")
    assert EstimatedCountPaginator(filtered, 10).count == 1


def test_a_small_table_is_counted_exactly():
    forget_estimates()
    assert EstimatedCountPaginator(Township.objects.all(), 10).count == Township.objects.count()


def test_every_admin_pages_by_estimate_and_shows_no_second_full_count():
    for model_admin in admin.site._registry.values():
        assert model_admin.show_full_result_count is False, model_admin
        assert issubclass(model_admin.paginator, EstimatedCountPaginator), model_admin


@pytest.mark.parametrize(
    ("model", "term"),
    [
        (Employment, "甲"),
        (Employment, "乙家政"),
        (Employment, "没有这个人"),
        (CreditEvent, "甲"),
        (CreditEvent, "乙家政"),
    ],
)
def test_searching_across_foreign_keys_finds_what_the_joins_find(admin_user, model, term):
    first = EnterpriseFactory(name="甲家政服务有限公司")
    second = EnterpriseFactory(name="乙家政服务有限公司")
    for enterprise, name in ((first, "甲一"), (second, "乙二"), (second, "甲三")):
        worker = WorkerFactory(name=name)
        EmploymentFactory(worker=worker, enterprise=enterprise)
        CreditEventFactory(worker=worker)
    CreditEventFactory(enterprise=second)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/", {"q": term})
    request.user = admin_user
    request.session = {}
    queryset = model_admin.get_queryset(request)

    found, _ = model_admin.get_search_results(request, queryset, term)
    joined, _ = admin.ModelAdmin.get_search_results(model_admin, request, queryset, term)

    assert sorted(found.values_list("pk", flat=True)) == sorted(joined.values_list("pk", flat=True))
    assert " IN (SELECT" in str(found.query)


def test_no_admin_reads_a_whole_table_for_its_date_hierarchy():
    """Django's date hierarchy lists the years of every row (SELECT DISTINCT over the
    table) on each page: each admin gets a year filter from the calendar instead."""
    converted = []
    for model_admin in admin.site._registry.values():
        assert not model_admin.date_hierarchy, model_admin
        converted += [
            spec.parameter_name
            for spec in model_admin.list_filter
            if isinstance(spec, type) and spec.__name__.startswith("YearFilter")
        ]
    assert "occurred_on__year" in converted and "issued_on__year" in converted


def test_the_year_filter_of_a_date_keeps_the_hierarchy_links_working(admin_client):
    from datetime import date

    enterprise = EnterpriseFactory()
    this_year = CreditEventFactory(enterprise=enterprise, occurred_on=date(2025, 3, 1))
    CreditEventFactory(enterprise=enterprise, occurred_on=date(2024, 12, 31))
    response = admin_client.get("/admin/credit/creditevent/", {"occurred_on__year": "2025"})
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [this_year]
    assert "2025年" in response.content.decode()
    bad = admin_client.get("/admin/credit/creditevent/", {"occurred_on__year": "abc"})
    assert bad.status_code == 200 and not bad.context["cl"].queryset.exists()


def test_the_ratings_year_filter_reads_no_table_for_its_choices(admin_client, default_standards):
    from tests.factories.credit_workflows import RatingFactory

    rating = RatingFactory(year=2025)
    RatingFactory(year=2024, standard=rating.standard)
    response = admin_client.get("/admin/credit/rating/", {"year": "2025"})
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [rating]


def test_a_search_of_a_big_table_counts_up_to_the_cap_and_offers_no_select_all(
    admin_client, big_above_zero, monkeypatch
):
    """A term most names contain is not counted through the whole register: the count
    stops at the cap, the list says "more than", and "select all N" is not offered (it
    would name the cap while the action ran on every match)."""
    monkeypatch.setattr(admin_scale, "SEARCH_COUNT_CAP", 3)
    monkeypatch.setattr(admin.site._registry[Enterprise], "list_per_page", 2)
    for n in range(5):
        EnterpriseFactory(name=f"舟曲县{n}号家政服务有限公司")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_enterprise")
    url = reverse("admin:registry_enterprise_changelist")

    searched = admin_client.get(url, {"q": "家政"})
    changelist = searched.context["cl"]
    assert changelist.paginator.capped and changelist.result_count == 3
    html = searched.content.decode()
    assert "超过3条结果" in html and 'class="question' not in html
    # Under the cap, or without a search, the count is Django's and "select all" is offered.
    monkeypatch.setattr(admin_scale, "SEARCH_COUNT_CAP", 10)
    exact = admin_client.get(url, {"q": "家政"})
    assert not exact.context["cl"].paginator.capped and exact.context["cl"].result_count == 5
    assert 'class="question' in exact.content.decode()
