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

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Func, Q, TextField, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Upper
from django.utils.functional import cached_property

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
