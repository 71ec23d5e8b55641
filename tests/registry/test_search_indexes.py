"""Searches by 统一社会信用代码 and by a short name use an index on PostgreSQL.

The admin's `=uscc` search and the forms' look-ups compare UPPER(uscc): the functional
unique index on UPPER(uscc) answers them. A name of one or two characters (王芳) is too
short for the trigram index: an index of the names' characters and character pairs answers
it, and finds what a contains-search finds."""

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory

from credit.selectors_lookup import enterprise_search
from registry.models import Enterprise, Worker
from tests.factories.registry import EnterpriseFactory, WorkerFactory, make_uscc

pytestmark = pytest.mark.django_db


def plan(queryset, *, whole: bool = True) -> str:
    """The plan of the search's condition when PostgreSQL may neither read the table whole
    nor walk a whole index in order (a test table is small enough that either would do):
    only bitmap scans of indexes that answer the condition remain. The order and the joined
    rows are left out: they are not the search."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        text = queryset.select_related(None).order_by().explain()
    if whole:  # else only the part under test is checked (other columns have no index)
        assert "Seq Scan" not in text, text
    return text


def admin_search(model, term: str):
    request = RequestFactory().get("/admin/", {"q": term})
    request.session = {}
    model_admin = admin.site._registry[model]
    found, _ = model_admin.get_search_results(request, model._default_manager.all(), term)
    return found


def test_every_admin_search_by_uscc_is_the_exact_upper_lookup():
    """`=…uscc` (UPPER(uscc) = UPPER(term)): a partial code (`…uscc`, icontains) has no index."""
    loose = [
        f"{type(model_admin).__name__}: {field}"
        for model_admin in admin.site._registry.values()
        for field in model_admin.search_fields or ()
        if str(field).endswith("uscc") and not str(field).startswith("=")
    ]
    assert not loose, loose


def test_a_case_insensitive_code_lookup_uses_the_upper_index():
    enterprise = EnterpriseFactory()
    found = Enterprise.objects.filter(uscc__iexact=enterprise.uscc.lower())
    assert list(found) == [enterprise]
    assert "registry_enterprise_uscc_upper_uniq" in plan(found)


def test_the_enterprise_admin_finds_a_code_through_the_index():
    enterprise = EnterpriseFactory()
    found = admin_search(Enterprise, enterprise.uscc.lower())
    assert list(found) == [enterprise]
    assert "registry_enterprise_uscc_upper_uniq" in plan(found)


def test_a_code_differing_only_in_case_is_the_same_enterprise():
    code = make_uscc(7)
    EnterpriseFactory(uscc=code)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.bulk_create([EnterpriseFactory.build(uscc=code.lower())])


@pytest.fixture
def people():
    return {name: WorkerFactory(name=name) for name in ["王芳", "王芳芳", "李王芳", "张伟"]}


def test_a_two_character_name_is_found_anywhere_in_a_name_through_the_index(people):
    found = admin_search(Worker, "王芳")
    assert {worker.name for worker in found} == {"王芳", "王芳芳", "李王芳"}
    text = plan(found)
    assert "registry_worker_name_grams" in text
    assert "registry_worker_id_last4_upper" in text  # the search's `=id_last4` branch


def test_a_single_character_is_found_through_the_index_too(people):
    found = admin_search(Worker, "伟")
    assert [worker.name for worker in found] == ["张伟"]
    assert "registry_worker_name_grams" in plan(found)


def test_a_name_of_three_characters_or_more_uses_the_trigram_index(people):
    assert {worker.name for worker in admin_search(Worker, "王芳芳")} == {"王芳芳"}
    found = admin_search(Worker, "李王芳")
    assert {worker.name for worker in found} == {"李王芳"}
    assert "registry_worker_name_trgm" in plan(found)


def test_a_related_admin_searches_a_short_worker_name_through_the_index(people):
    from credit.models import CreditEvent

    # The events' own title and tag have no index; the worker's name is found through its.
    text = plan(admin_search(CreditEvent, "张伟"), whole=False)
    assert "registry_worker_name_grams" in text


def test_the_public_credit_search_finds_a_short_name_through_the_index():
    for name in ["舟曲安心家政", "安心家政服务部", "城关舟曲保洁"]:
        EnterpriseFactory(name=name)
    found = enterprise_search("舟曲")
    assert {e.name for e in found} == {"舟曲安心家政", "城关舟曲保洁"}
    assert "registry_enterprise_name_grams" in plan(found)
    assert {e.name for e in enterprise_search("安心家政")} == {"舟曲安心家政", "安心家政服务部"}


def test_a_short_search_of_a_legal_representative_uses_its_index():
    EnterpriseFactory(legal_representative="马丽")
    found = admin_search(Enterprise, "马丽")
    assert [e.legal_representative for e in found] == ["马丽"]
    assert "registry_enterprise_legal_rep_grams" in plan(found)


def test_characters_that_mean_something_to_like_are_plain_text_here(people):
    WorkerFactory(name="%_")
    assert [worker.name for worker in admin_search(Worker, "%")] == ["%_"]
    assert [worker.name for worker in admin_search(Worker, "_")] == ["%_"]


def _exact_search_columns():
    """(admin, table, column) of every `=field` search of a registered admin, the field
    followed across foreign keys to the table that holds it."""
    found = []
    for model_admin in admin.site._registry.values():
        for spec in model_admin.search_fields or ():
            spec = str(spec)
            if not spec.startswith("="):
                continue
            model, *path, name = [model_admin.model, *spec[1:].split("__")]
            for step in path:
                model = model._meta.get_field(step).related_model
            found.append((type(model_admin).__name__, model._meta.db_table, name))
    return found


def test_every_exact_admin_search_has_an_upper_index():
    """Django compares `=field` as UPPER(field) = UPPER(term): without an index on that
    expression the search reads the whole table (a million cards)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'")
        definitions = cursor.fetchall()
    missing = [
        f"{admin_name}: {table}.{column}"
        for admin_name, table, column in _exact_search_columns()
        if not any(
            table == indexed and f"upper(({column})::text)" in definition
            for indexed, definition in definitions
        )
    ]
    assert _exact_search_columns()
    assert not missing, missing


@pytest.mark.parametrize(
    ("model_label", "term"),
    [
        ("registry.WorkerCard", "王芳"),  # =number, the worker's and the employer's names
        ("registry.WorkerCard", "ZQ20250001"),
        ("credit.Rating", "舟曲安心家政"),  # the enterprise's name and code, the worker's name
        ("credit.CreditEvent", "欺诈"),  # the subjects and the exact 细分类别
        ("incentives.Resident", "张伟"),  # name, masked mobile, =id_last4
        ("incentives.Resident", "1234"),
    ],
)
def test_searches_mixing_related_and_own_columns_read_no_table_whole(model_label, term):
    """A condition across a foreign key ORed with the table's own columns made PostgreSQL
    check every row: each searched field is its own subquery of ids (UNION ALL), and each
    is answered by an index."""
    from django.apps import apps

    model = apps.get_model(model_label)
    plan(admin_search(model, term))
