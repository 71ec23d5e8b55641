"""core.search: the part of a search term the trigram index looks up when the whole term
has trigrams most names share."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.search import forget_frequent_trigrams, frequent_trigrams, rare_part
from registry.models import Enterprise
from tests.factories.registry import EnterpriseFactory

FREQUENT = frozenset({"舟曲县", "家政服", "政服务", "服务有", "务有限", "有限公", "限公司"})


@pytest.mark.parametrize(
    ("term", "part"),
    [
        ("舟曲县阳光家政服务有限公司", "曲县阳光家政"),  # the rare run between the shared ones
        ("舟曲县阳光", "曲县阳光"),
        ("阳光家政", None),  # no frequent trigram: looked up whole
        ("有限公司", None),  # nothing but frequent trigrams: looked up whole
        ("舟曲县", None),
        ("格桑花家政服务部", "格桑花家政"),
        ("舟曲县ab家政服务有限公司", "曲县AB家政"),  # upper-cased, as the index has it
    ],
)
def test_the_longest_run_of_rare_trigrams_is_looked_up(term, part):
    assert rare_part(term, FREQUENT) == part


def test_without_frequent_trigrams_a_term_is_looked_up_whole():
    assert rare_part("舟曲县阳光家政服务有限公司", frozenset()) is None


@pytest.mark.django_db
def test_frequent_trigrams_are_those_most_names_share():
    for word in ["阳光", "月亮", "格桑花", "雪域", "白龙江", "山水"]:
        EnterpriseFactory(name=f"舟曲县{word}家政服务有限公司")
    frequent = frequent_trigrams(Enterprise, "name")
    assert {"舟曲县", "家政服", "限公司"} <= frequent
    assert "县阳光" not in frequent
    forget_frequent_trigrams()  # another process: the sample is shared through the cache
    with CaptureQueriesContext(connection) as queries:
        assert frequent_trigrams(Enterprise, "name") == frequent
    assert len(queries) == 0
