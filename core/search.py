"""Search by name at scale: the condition a search term becomes.

PostgreSQL answers `icontains` (UPPER(name) LIKE UPPER('%term%')) with a trigram index
(registry migration 0013) for terms of three characters or more; shorter terms yield no
trigram and would read every row. Chinese names are often two characters (王芳), so a term
of one or two characters is looked up, for a model's `short_search_fields`, among the
name's characters and pairs of neighbouring characters instead:
zq_short_grams(UPPER(name)) @> ARRAY['王芳'], which a GIN index on that expression answers
(registry migration 0015). It finds what `icontains` finds (李王芳 too), through an index.
Used by the admin's search (core.admin_scale) and the public credit search
(credit.selectors.enterprise_search). Other databases (SQLite for `make run`) keep
`icontains`.
"""

import time
from collections import Counter

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Func, Q, TextField, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan
from django.utils.functional import cached_property

from .cache import cached

# A trigram index answers `icontains` for terms of this many characters or more.
TRIGRAM_LENGTH = 3
# The SQL function of registry migration 0015: a text's characters and character pairs.
GRAMS_FUNCTION = "zq_short_grams"


class ShortGrams(Func):
    function = GRAMS_FUNCTION
    output_field = ArrayField(TextField())


def term_condition(model, lookup: str, term: str) -> Q:
    """`lookup` = `term` on `model`; a term too short for the trigram index (a two-character
    name) searches the model's `short_search_fields` through their character-pair index."""
    if searches_short_grams(model, lookup, term):
        name = lookup.partition(LOOKUP_SEP)[0]
        grams = Value([term.upper()], output_field=ArrayField(TextField()))
        return Q(DataContains(ShortGrams(Upper(name)), grams))
    return Q(**{lookup: term})


def searches_short_grams(model, lookup: str, term: str) -> bool:
    """Whether `term_condition` searches `term` through the character-pair index."""
    name, _, kind = lookup.partition(LOOKUP_SEP)
    return (
        kind == "icontains"
        and 0 < len(term) < TRIGRAM_LENGTH
        and name in getattr(model, "short_search_fields", ())
        and connection.vendor == "postgresql"
    )


# --- Terms with frequent trigrams -----------------------------------------------------------
#
# A trigram index answers LIKE '%term%' by reading the list of rows of every trigram of the
# term. Names share long runs (every name of the county begins 舟曲县 and many end 家政服务有限
# 公司): the lists of their trigrams hold nearly every row, and a full name typed by a
# resident read them all (0.7 ms of a search's 1 ms at 100,000 enterprises). Such a term is
# looked up in the index by its longest part made of trigrams that are not frequent, and
# every row found is then checked for the whole term (STRPOS, which the index does not
# answer): the same rows, read through short lists.

# A trigram in more than this share of the names sampled is frequent.
FREQUENT_SHARE = 0.2
# Names sampled to find the frequent trigrams, and how long the finding holds in a process.
FREQUENT_SAMPLE = 2_000
FREQUENT_SECONDS = 3_600

_frequent: dict[tuple, tuple[float, frozenset[str]]] = {}


def frequent_trigrams(model, field: str) -> frozenset[str]:
    """The trigrams (three neighbouring characters, upper-cased) found in more than
    FREQUENT_SHARE of a sample of `model`'s `field` values: sampled at most once every
    FREQUENT_SECONDS and shared through the cache (core.cache.cached), then kept by each
    process as long; empty on databases without the trigram index."""
    if connection.vendor != "postgresql":
        return frozenset()
    key = (connection.alias, model._meta.label, field)
    now = time.monotonic()
    known = _frequent.get(key)
    if known is not None and known[0] > now:
        return known[1]
    frequent = cached(
        f"frequent-trigrams:{model._meta.label}:{field}",
        FREQUENT_SECONDS,
        lambda: _frequent_in_sample(model, field),
    )
    _frequent[key] = (now + FREQUENT_SECONDS, frequent)
    return frequent


def _frequent_in_sample(model, field: str) -> frozenset[str]:
    names = _sample(model, field)
    counts = Counter(gram for name in names for gram in set(_trigrams(name)))
    return frozenset(g for g, n in counts.items() if names and n > FREQUENT_SHARE * len(names))


def forget_frequent_trigrams() -> None:
    _frequent.clear()


def _sample(model, field: str) -> list[str]:
    """Up to FREQUENT_SAMPLE values of `field`, upper-cased, from rows chosen at random (each
    row by itself: rows saved together, with neighbouring names, share pages)."""
    table = model._meta.db_table
    column = model._meta.get_field(field).column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
        rows = row[0] if row else -1
        percent = 100.0 if rows <= FREQUENT_SAMPLE else max(0.01, 100.0 * FREQUENT_SAMPLE / rows)
        cursor.execute(
            f"SELECT UPPER({quote(column)}) FROM {quote(table)}"  # noqa: S608 - names from the model
            " TABLESAMPLE BERNOULLI (%s) LIMIT %s",
            [percent, FREQUENT_SAMPLE],
        )
        return [value for (value,) in cursor.fetchall() if value]


def _trigrams(text: str) -> list[str]:
    return [text[i : i + TRIGRAM_LENGTH] for i in range(len(text) - TRIGRAM_LENGTH + 1)]


def rare_part(term: str, frequent: frozenset[str]) -> str | None:
    """The longest part of `term` (upper-cased) of at least three characters none of whose
    trigrams is `frequent`, when `term` has a frequent trigram and such a part exists;
    else None (the term is looked up as it is)."""
    text = term.upper()
    grams = _trigrams(text)
    if not frequent or not any(gram in frequent for gram in grams):
        return None
    best, start = "", 0
    for index, gram in enumerate([*grams, None]):  # None closes the last run
        if gram is None or gram in frequent:
            if index > start:  # trigrams start..index-1 are rare
                part = text[start : index - 1 + TRIGRAM_LENGTH]
                if len(part) > len(best):
                    best = part
            start = index + 1
    return best or None


def contains_condition(lookup: str, term: str, part: str) -> Q:
    """`lookup` (a field's `icontains`) = `term`, looked up in the trigram index by `part`
    (rare_part) and checked for the whole term on each row found."""
    name = lookup.partition(LOOKUP_SEP)[0]
    whole = StrIndex(Upper(name), Upper(Value(term, output_field=TextField())))
    return Q(**{f"{name}__icontains": part}) & Q(GreaterThan(whole, 0))


def count_up_to(rows, cap: int) -> int:
    """How many `rows` there are, counted up to `cap` + 1: one COUNT over a LIMIT, without
    sorting, for a QuerySet. More than `cap` means "more than `cap`"."""
    if hasattr(rows, "order_by"):
        return rows.order_by()[: cap + 1].count()
    return len(rows)


class CappedCountPaginator(Paginator):
    """A paginator of search results that counts at most `cap` of them.

    A term that most names contain (家政, 服务) matches nearly every row of a province's
    register, and counting those matches means testing each row: a second with 100,000
    enterprises, on every request. Counting stops after `cap` + 1 rows instead; `capped`
    then says there are more than `cap`, and the pages end there (the reader narrows the
    search instead of paging through thousands of names)."""

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        return count_up_to(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        """More rows match than were counted."""
        return self.counted > self.cap
