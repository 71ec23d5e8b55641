"""core.search.CappedCountPaginator: a search's matches counted up to a cap, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.search import CappedCountPaginator
from registry.models import Township

pytestmark = pytest.mark.django_db


def test_a_list_is_counted_up_to_the_cap():
    over = CappedCountPaginator(list(range(7)), 2, cap=5)
    assert (over.count, over.capped, over.num_pages) == (5, True, 3)
    under = CappedCountPaginator(list(range(4)), 2, cap=5)
    assert (under.count, under.capped, under.num_pages) == (4, False, 2)
    exact = CappedCountPaginator(list(range(5)), 2, cap=5)
    assert (exact.count, exact.capped) == (5, False)


def test_a_queryset_is_counted_in_one_query_over_a_limit_without_sorting():
    townships = Township.objects.order_by("name")
    total = townships.count()
    assert total > 3  # the seeded townships
    paginator = CappedCountPaginator(townships, 2, cap=3)
    with CaptureQueriesContext(connection) as queries:
        assert (paginator.count, paginator.capped) == (3, True)
    (sql,) = [q["sql"] for q in queries]
    assert "LIMIT 4" in sql and "ORDER BY" not in sql
    assert paginator.page(2).object_list.count() == 1  # the pages end at the cap
    everything = CappedCountPaginator(townships, 2, cap=total)
    assert (everything.count, everything.capped) == (total, False)
