"""core.json_rows reads several lists in one query and builds the instances the ORM would.

The comparison runs over every model registered in the admin (a row of each, in the small
county of tests.admin_county), so every field type the product stores is read back through
JSON at least once: dates and times, decimals, JSON, booleans, files, choices, foreign keys.
"""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count, Q, Window

from core.json_rows import as_prefetched, fetch_lists
from tests.admin_county import admin_county


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield admin_county()
        transaction.set_rollback(True)


def _same(orm, read, path="") -> list[str]:
    """Where `read` differs from `orm` (loaded fields, joined relations, annotations)."""
    if orm is None or read is None:
        return [] if orm is read else [f"{path}: {orm!r} != {read!r}"]
    problems = []
    if type(orm) is not type(read):
        return [f"{path}: {type(orm).__name__} != {type(read).__name__}"]
    deferred = orm.get_deferred_fields()
    if read.get_deferred_fields() != deferred:
        problems.append(f"{path}: deferred {read.get_deferred_fields()} != {deferred}")
    for field in orm._meta.concrete_fields:
        if field.attname in deferred:
            continue
        mine, theirs = getattr(orm, field.attname), getattr(read, field.attname)
        if isinstance(field, models.FileField):
            mine, theirs = mine.name, theirs.name
        if mine != theirs or type(mine) is not type(theirs):
            problems.append(f"{path}{field.attname}: {mine!r} != {theirs!r}")
    for field in orm._meta.concrete_fields:
        if field.is_relation and field.is_cached(orm):
            problems += _same(
                field.get_cached_value(orm),
                field.get_cached_value(read, default=None),
                f"{path}{field.name}.",
            )
    return problems


def _followed(model) -> list[str]:
    """The model's non-null foreign keys (what select_related() may join)."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.many_to_one and not f.null
    ][:3]


def _joined(queryset):
    names = _followed(queryset.model)
    return queryset.select_related(*names) if names else queryset


@pytest.mark.django_db
def test_every_registered_model_reads_back_as_the_orm_reads_it(county):
    lists = {
        model._meta.label: _joined(model._base_manager.order_by("pk"))[:3]
        for model in admin.site._registry
    }
    read = fetch_lists(lists)
    problems = []
    for label, queryset in lists.items():
        orm = list(queryset)
        assert orm, f"no row of {label} to compare"
        if [o.pk for o in orm] != [r.pk for r in read[label]]:
            problems.append(f"{label}: rows {[o.pk for o in orm]} != {[r.pk for r in read[label]]}")
            continue
        for mine, theirs in zip(orm, read[label], strict=True):
            problems += _same(mine, theirs, f"{label}#{mine.pk}.")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_many_lists_cost_one_query(county, django_assert_num_queries):
    lists = {model._meta.label: model._base_manager.all()[:2] for model in admin.site._registry}
    with django_assert_num_queries(1):
        read = fetch_lists(lists)
    assert len(read) == len(lists) > 20


@pytest.mark.django_db
def test_order_slice_only_and_window_totals_are_kept(county):
    from credit.models import CreditEvent, EventKind

    every = CreditEvent.objects.order_by("-occurred_on", "-id")
    assert every.count() >= 3
    queryset = (
        every.only("title", "occurred_on", "enterprise__name")
        .select_related("enterprise")
        .annotate(
            total=Window(Count("pk")),
            penalties=Window(Count("pk", filter=Q(kind=EventKind.PENALTY))),
        )[1:3]
    )
    read = fetch_lists({"events": queryset})["events"]
    orm = list(queryset)
    assert [e.pk for e in read] == [e.pk for e in orm]
    for mine, theirs in zip(orm, read, strict=True):
        assert not _same(mine, theirs)
        assert (theirs.total, theirs.penalties) == (mine.total, mine.penalties)
        assert "description" in theirs.get_deferred_fields()


@pytest.mark.django_db
def test_an_empty_list_and_a_missing_outer_join(county):
    from complaints.models import Complaint
    from registry.models import Worker

    read = fetch_lists(
        {
            "none": Worker.objects.filter(pk=-1),
            "cases": Complaint.objects.select_related("worker").filter(worker__isnull=True)[:2],
        }
    )
    assert read["none"] == []
    assert read["cases"], "the county has a complaint without a worker"
    assert all(case.worker is None for case in read["cases"])


@pytest.mark.django_db
def test_decimals_keep_their_places(county):
    from registry.models import ServiceOffering

    offering = ServiceOffering.objects.exclude(price=None).first()
    ServiceOffering.objects.filter(pk=offering.pk).update(price=Decimal("12.50"))
    (read,) = fetch_lists({"o": ServiceOffering.objects.filter(pk=offering.pk)})["o"]
    assert str(read.price) == str(ServiceOffering.objects.get(pk=offering.pk).price)


@pytest.mark.django_db
def test_as_prefetched_answers_all_without_a_query(county, django_assert_num_queries):
    from registry.models import Employment, Worker

    worker = Worker.objects.filter(employments__isnull=False).first()
    employments = fetch_lists({"e": Employment.objects.filter(worker=worker)})["e"]
    as_prefetched(worker, "employments", employments)
    with django_assert_num_queries(0):
        assert list(worker.employments.all()) == employments
        assert all(e.worker is worker for e in worker.employments.all())
