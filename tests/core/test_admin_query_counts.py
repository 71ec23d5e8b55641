"""Every admin list and change page costs a fixed, small number of queries.

The pages are enumerated from the admin site itself, so an admin registered later is checked
without anyone remembering to add it here. For each registered ModelAdmin, as the superuser:
its changelist, the changelist searched by a name, by the last four characters of an ID
number and by a full ID number, the change page of one object and, where the admin has one,
its dossier page. Each page must take at most `QUERY_BUDGET` queries, and the same number
of queries after every table has been tripled: a list column, an inline or a dossier section
that queries once per row (N+1) fails here.
"""

import os

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.admin_scale import forget_estimates
from tests.admin_county import admin_county

# Set ADMIN_QUERY_DUMP=<file> to write the SQL of every page over five queries there.
DUMP = os.environ.get("ADMIN_QUERY_DUMP")
QUERY_BUDGET = 10
NAME_TERM = "张"
TAIL_TERM = "1234"
FULL_ID = "62302319850301001X"

# Pages allowed above the budget, with their own ceiling and the reason; keep this short
# (empty today). They are still held to a count that does not grow with the rows.
OVER_BUDGET: dict[str, tuple[int, str]] = {}

# The big registers: tripling their rows must succeed, or the growth check proves nothing.
MUST_GROW = [
    "registry.Worker",
    "registry.Enterprise",
    "registry.WorkerCard",
    "credit.Rating",
    "credit.CreditEvent",
    "complaints.Complaint",
    "incentives.Resident",
]


def _pages(objects) -> list[tuple[str, str]]:
    """(label, url) of every page the test walks."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        label = model._meta.label_lower
        changelist = reverse(f"{prefix}_changelist")
        pages.append((f"{label} list", changelist))
        if model_admin.search_fields:
            pages.append((f"{label} list q=name", f"{changelist}?q={NAME_TERM}"))
        # The ID searches take their own path where an admin declares ID or mobile columns
        # (keyed hashes) or searches in its own way; elsewhere they are text like a name.
        if getattr(model_admin, "protected_search_fields", None) or (
            "get_search_results" in type(model_admin).__dict__
        ):
            pages += [
                (f"{label} list q=tail", f"{changelist}?q={TAIL_TERM}"),
                (f"{label} list q=full id", f"{changelist}?q={FULL_ID}"),
            ]
        obj = objects[model]
        pages.append((f"{label} change", reverse(f"{prefix}_change", args=[obj.pk])))
        names = {getattr(url, "name", None) for url in model_admin.get_urls()}
        if f"{prefix}_dossier".removeprefix("admin:") in names:
            pages.append((f"{label} dossier", reverse(f"{prefix}_dossier", args=[obj.pk])))
    return pages


def _query_counts(client, pages) -> tuple[dict[str, int], list[str]]:
    counts, failures = {}, []
    for label, url in pages:
        # Each page counted cold: a table's row estimate, cached per process for a few
        # minutes, is read again, so the two rounds count the same queries.
        forget_estimates()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{label}: HTTP {response.status_code} ({url})")
        counts[label] = len(queries)
        if DUMP and len(queries) > 5:
            with open(DUMP, "a") as dump:
                dump.write(f"=== {label} {len(queries)}\n")
                dump.writelines(q["sql"][:300] + "\n" for q in queries.captured_queries)
    return counts, failures


def _constrained_fields(model) -> set[models.Field]:
    """The columns of `model` under a unique constraint (other than the primary key)."""
    names = {name for fields in model._meta.unique_together for name in fields}
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    fields = {model._meta.get_field(name) for name in names}
    fields.update(f for f in model._meta.concrete_fields if f.unique and not f.primary_key)
    return fields


# Copies of these rows need one more change to pass a constraint the generic rule cannot.
COPY_ADJUSTMENTS = {
    # One valid card per employment: the copies are revoked cards.
    "registry.WorkerCard": lambda copy: setattr(copy, "revoked_at", timezone.now()),
}


def _tripled(model) -> bool:
    """Insert two copies of every row of `model`: constrained text columns get a suffix,
    constrained numbers an offset. False when the table's constraints still refuse them."""
    rows = list(model._base_manager.all())
    if not rows:
        return False
    constrained = _constrained_fields(model)
    adjust = COPY_ADJUSTMENTS.get(model._meta.label, lambda copy: None)
    copies = []
    for copy_number in (1, 2):
        for row in rows:
            values = {
                field.attname: getattr(row, field.attname)
                for field in model._meta.concrete_fields
                if not field.primary_key
            }
            for field in constrained:
                value = values[field.attname]
                if isinstance(field, models.CharField):
                    suffix = f"~{copy_number}"
                    values[field.attname] = (value or "")[: field.max_length - 2] + suffix
                elif isinstance(field, models.IntegerField) and not field.is_relation:
                    values[field.attname] = (value or 0) + 100 * copy_number
            copy = model(**values)
            adjust(copy)
            copies.append(copy)
    try:
        with transaction.atomic():
            model._base_manager.bulk_create(copies)
    except (DatabaseError, ValueError):
        return False
    return True


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        objects = admin_county()
        yield objects
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_admin_page_has_a_fixed_small_query_count(county):
    """The pages without a search are counted on the small county and again with three
    times the rows (the first count may include per-process caches warming up, so only
    growth fails); every page, searches included, is held to the budget on the bigger one."""
    from django.contrib.auth import get_user_model

    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="root"))
    pages = _pages(county)
    plain = [(label, url) for label, url in pages if " q=" not in label]
    before, failures = _query_counts(client, plain)

    grown = {model._meta.label for model in admin.site._registry if _tripled(model)}
    missing = [label for label in MUST_GROW if label not in grown]
    assert not missing, f"could not triple the rows of {missing}"
    after, more_failures = _query_counts(client, pages)

    failures += more_failures
    for label, _url in pages:
        budget = OVER_BUDGET.get(label, (QUERY_BUDGET, ""))[0]
        if after[label] > budget:
            failures.append(f"{label}: {after[label]} queries (budget {budget})")
        if label in before and after[label] > before[label]:
            failures.append(
                f"{label}: {before[label]} queries, {after[label]} with three times the rows"
            )
    assert not failures, "\n".join(failures)
