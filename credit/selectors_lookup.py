"""The public credit look-up's reads (credit.views.lookup): the search of the enterprise
register and a page of results with their latest final ratings. The complaint form's
enterprise picker and the disclosure lists search the register the same way.

A look-up's first page (nearly every look-up: most name searches find fewer than a page) is
read in one query, compiled once for each shape of search (core.compiled_queries), that
brings each enterprise's latest final rating with it (lookup_first_rows)."""

import functools
import json
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, JSONObject

from core.compiled_queries import CompiledQuery, Slots, compile_query
from core.search import (
    contains_condition,
    frequent_trigrams,
    rare_part,
    searches_short_grams,
    term_condition,
)
from core.validators import clean_uscc
from registry.models import Enterprise, ServiceOffering

from .models import Rating
from .selectors import (
    PUBLIC_RATING_FIELDS,
    PublicRating,
    dimension_weights,
    latest_final_ratings,
    public_rating,
)


def enterprise_search(
    query: str = "",
    township_id: int | None = None,
    *,
    category_id: int | None = None,
    grade: str = "",
) -> QuerySet[Enterprise]:
    """Enterprises whose name contains `query` (through the trigram index, or for a query of
    one or two characters the character-pair index: core.search), or whose 统一社会信用代码
    is `query`; in a township, offering a standard service item
    (`category_id`), and of a latest FINAL grade (`grade`).

    An empty query lists every enterprise (residents browse by township too)."""
    query = (query or "").strip()
    return _search(query, _uscc(query), _part(query), township_id, category_id, grade)


def _uscc(query: str) -> str:
    """`query` as a 统一社会信用代码 (normalised), or "" if it is not a valid one."""
    with suppress(ValidationError):
        return clean_uscc(query) if query else ""
    return ""


def _part(query: str) -> str | None:
    """The part of `query` the trigram index looks up when the whole would read the long
    lists of trigrams most names share (core.search.rare_part), else None."""
    if not query or searches_short_grams(Enterprise, "name__icontains", query):
        return None
    return rare_part(query, frequent_trigrams(Enterprise, "name"))


def _search(
    query: str, uscc: str, part: str | None, township_id, category_id, grade: str
) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.select_related("township").order_by("name", "id")
    if query:
        if part:
            condition = contains_condition("name__icontains", query, part)
        else:
            condition = term_condition(Enterprise, "name__icontains", query)
        if uscc:
            condition |= Q(uscc=uscc)
        enterprises = enterprises.filter(condition)
    if township_id:
        enterprises = enterprises.filter(township_id=township_id)
    if category_id:
        enterprises = enterprises.filter(
            Exists(
                ServiceOffering.objects.filter(
                    enterprise=OuterRef("pk"), category_id=category_id, is_active=True
                )
            )
        )
    if grade:
        latest_final = (
            Rating.objects.filter(enterprise=OuterRef("pk"), status=Rating.Status.FINAL)
            .order_by("-year")
            .values("grade")[:1]
        )
        enterprises = enterprises.annotate(latest_grade=Subquery(latest_final)).filter(
            latest_grade=grade
        )
    return enterprises


# What a result's entry shows of an enterprise (credit/partials/lookup_result.html).
LOOKUP_FIELDS = ("pk", "name", "kind", "uscc", "business_status", "township__name")


@dataclass(frozen=True)
class LookupEnterprise:
    """An enterprise as a result's entry shows it, read as plain values (lookup_rows): a
    page of results builds no model instances."""

    pk: int
    name: str
    kind: str
    uscc: str
    business_status: str
    township_name: str

    @property
    def operating(self) -> bool:
        return self.business_status == Enterprise.BusinessStatus.OPERATING

    @property
    def kind_label(self) -> str:
        return _label(Enterprise.Kind, self.kind)

    @property
    def status_label(self) -> str:
        return _label(Enterprise.BusinessStatus, self.business_status)


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value


def lookup_rows(enterprises: QuerySet[Enterprise]) -> QuerySet:
    """`enterprises` (enterprise_search) as the value rows a LookupEnterprise is made of:
    sliced and counted by the paginator, then `LookupEnterprise(*row)`."""
    return enterprises.values_list(*LOOKUP_FIELDS)


@dataclass(frozen=True)
class LookupResult:
    enterprise: LookupEnterprise
    rating: PublicRating | None


def lookup_results(
    enterprises: list[LookupEnterprise], ratings: dict[int, dict] | None = None
) -> list[LookupResult]:
    """Pair a page of enterprises with their latest final rating: from `ratings` when they
    were read with the rows (LookupRows.ratings), else read now."""
    if ratings is None:
        latest = latest_final_ratings(e.pk for e in enterprises) if enterprises else {}
    else:
        values = [ratings[e.pk] for e in enterprises if e.pk in ratings]
        weights = dimension_weights(v["standard_id"] for v in values) if values else {}
        latest = {
            e.pk: public_rating(ratings[e.pk], weights) for e in enterprises if e.pk in ratings
        }
    return [LookupResult(e, latest.get(e.pk)) for e in enterprises]


# --- The first page in one query ------------------------------------------------------------


@dataclass(frozen=True)
class LookupRows:
    """A look-up's first results, and the values of each one's latest final rating
    (PUBLIC_RATING_FIELDS, by enterprise id; an enterprise never rated has none)."""

    enterprises: list[LookupEnterprise]
    ratings: dict[int, dict]


def lookup_first_rows(
    query: str = "",
    township_id: int | None = None,
    *,
    category_id: int | None = None,
    grade: str = "",
    limit: int,
) -> LookupRows:
    """The first `limit` enterprises `enterprise_search` finds, with their latest final
    ratings, in one query. Its SQL is compiled once per shape (which filters are used) and
    run with this look-up's values; a term of one or two characters, searched through the
    character-pair index, is built by the ORM each time."""
    query = (query or "").strip()
    uscc = _uscc(query)
    if searches_short_grams(Enterprise, "name__icontains", query):
        enterprises = _search(query, uscc, None, township_id, category_id, grade)
        rows = list(_with_latest_rating(enterprises)[:limit])
    else:
        part = _part(query)
        compiled = _first_rows_query(
            router.db_for_read(Enterprise),
            bool(query), bool(uscc), bool(part), bool(township_id), bool(category_id),
            bool(grade), limit,
        )  # fmt: skip
        values = {"query": query, "uscc": uscc, "part": part, "grade": grade}
        rows = compiled.rows({**values, "township": township_id, "category": category_id})
    return LookupRows(
        [LookupEnterprise(*row[:-1]) for row in rows],
        {row[0]: _rating_values(row[-1]) for row in rows if row[-1] is not None},
    )


def _with_latest_rating(enterprises: QuerySet[Enterprise]) -> QuerySet:
    """LOOKUP_FIELDS and the latest final rating's values as one JSON object (its decimals as
    text, read back exactly: _rating_values)."""
    fields = {
        name: Cast(name, CharField()) if name in _DECIMAL_PLACES else name
        for name in PUBLIC_RATING_FIELDS
    }
    latest = (
        Rating.objects.filter(enterprise=OuterRef("pk"), status=Rating.Status.FINAL)
        .order_by("-year")
        .values(values=JSONObject(**fields))[:1]
    )
    return enterprises.annotate(latest_rating=Subquery(latest)).values_list(
        *LOOKUP_FIELDS, "latest_rating"
    )


_DECIMAL_PLACES = {
    field.name: field.decimal_places
    for field in Rating._meta.get_fields()
    if field.name in PUBLIC_RATING_FIELDS and field.get_internal_type() == "DecimalField"
}


def _rating_values(stored) -> dict:
    values = json.loads(stored) if isinstance(stored, str | bytes) else dict(stored)
    for name, places in _DECIMAL_PLACES.items():
        values[name] = Decimal(values[name]).quantize(Decimal(1).scaleb(-places))
    return values


@functools.cache
def _first_rows_query(
    alias: str,
    query: bool,
    uscc: bool,
    part: bool,
    township: bool,
    category: bool,
    grade: bool,
    limit: int,
) -> CompiledQuery:
    slots = Slots()
    enterprises = _search(
        slots.text("query") if query else "",
        slots.text("uscc") if uscc else "",
        slots.text("part") if part else None,
        slots.number("township") if township else None,
        slots.number("category") if category else None,
        slots.text("grade") if grade else "",
    )
    return compile_query(_with_latest_rating(enterprises.using(alias))[:limit], slots)
