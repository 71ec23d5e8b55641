"""core.compiled_queries: a query compiled once answers as the QuerySet it came from."""

import pytest
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import TextField, Value
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext

from core.compiled_queries import Slots, compile_query
from core.search import ShortGrams
from registry.models import Enterprise
from tests.factories.registry import EnterpriseFactory, township

pytestmark = pytest.mark.django_db

NAMES = [
    "舟曲县阳光家政", "舟曲县100%放心家政", "舟曲县_月亮_家政", "舟曲县a\\b家政", "城关ABC保洁",
]  # fmt: skip


def names_query(slots: Slots):
    return (
        Enterprise.objects.filter(
            name__icontains=slots.text("part"),
            township_id=slots.number("township"),
            uscc__startswith=slots.text("prefix"),
        )
        .order_by("name")
        .values_list("name", flat=True)
    )


def test_values_put_in_answer_as_the_orm_does_special_characters_included():
    for name in NAMES:
        EnterpriseFactory(name=name)
    slots = Slots()
    compiled = compile_query(names_query(slots), slots)
    home = township().pk
    for part in ["家政", "100%", "%", "_月亮_", "_", "a\\b", "\\", "abc", "阳光", "不存在"]:
        expected = list(
            Enterprise.objects.filter(
                name__icontains=part, township_id=home, uscc__startswith="9262"
            )
            .order_by("name")
            .values_list("name", flat=True)
        )
        with CaptureQueriesContext(connection) as queries:
            rows = compiled.rows({"part": part, "township": home, "prefix": "9262"})
        assert [name for (name,) in rows] == expected, part
        assert len(queries) == 1
    assert compiled.rows({"part": "家政", "township": home + 1000, "prefix": "9262"}) == []


def test_a_value_the_orm_would_change_is_refused_when_compiling():
    # The character-pair search (core.search) puts the upper-cased term in an array.
    slots = Slots()
    grams = Value([slots.text("term").upper()], output_field=ArrayField(TextField()))
    with pytest.raises(ImproperlyConfigured, match="inside a list"):
        compile_query(
            Enterprise.objects.filter(DataContains(ShortGrams(Upper("name")), grams)), slots
        )
    slots = Slots()
    with pytest.raises(ImproperlyConfigured, match="changed by the ORM"):
        compile_query(Enterprise.objects.filter(name__regex="^" + slots.text("x") + "$"), slots)
    slots = Slots()
    slots.text("unused")
    with pytest.raises(ImproperlyConfigured, match="does not take"):
        compile_query(Enterprise.objects.filter(name="x"), slots)
    with pytest.raises(ImproperlyConfigured, match="already taken"):
        slots.text("unused")


def test_a_list_of_values_is_a_value_each():
    a, b, c = (EnterpriseFactory(name=name) for name in ["甲家政", "乙家政", "丙家政"])
    slots = Slots()
    compiled = compile_query(
        Enterprise.objects.filter(pk__in=[slots.number("one"), slots.number("two")])
        .order_by("pk")
        .values_list("pk", flat=True),
        slots,
    )
    assert compiled.rows({"one": c.pk, "two": a.pk}) == [(a.pk,), (c.pk,)]
    assert b.pk not in {pk for (pk,) in compiled.rows({"one": a.pk, "two": c.pk})}
