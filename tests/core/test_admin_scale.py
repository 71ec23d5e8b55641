"""The admin's province-scale kit (core.admin_scale): estimated counts, searches across
foreign keys through subqueries, the same results as Django's own search."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory

from core import admin_scale
from core.admin_scale import EstimatedCountPaginator, forget_estimates
from credit.models import CreditEvent
from registry.models import Employment, Township
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
