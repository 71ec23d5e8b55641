"""A query the ORM compiles once and runs again and again with other values.

Building a QuerySet and compiling it to SQL costs a fraction of a millisecond, often more
than PostgreSQL needs to answer it. The most requested public pages (a card's verification
at every door, the credit look-up by name) run the same few queries with other values on
every request: they compile each shape once (the caller keeps the `CompiledQuery`, e.g. in a
`functools.cache`d function) and run its SQL with the request's values put in.

While the query is built, each value is a stand-in from `Slots`: `slots.text("q")` where a
text goes, `slots.number("township")` where a primary key goes. A text stand-in may be
compared as it is (`token=…`) or searched for (`name__icontains=…`, `…__startswith`): the
value is then escaped for LIKE as the ORM escapes it. Anything else the ORM would do to the
value (upper-casing it, putting it in a list) is refused when the query is compiled, so a
compiled query never answers differently from the QuerySet it came from. The SQL still runs
through Django's cursor: it is counted and logged like any other query.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet

# Number stand-ins: far below any primary key (identity columns count up from 1).
_NUMBER_BASE = -(2**62)


class Slots:
    """The stand-ins of one query's values, each under the name its value is given by."""

    def __init__(self):
        self._names: dict[object, str] = {}

    def text(self, name: str) -> str:
        # NUL cannot occur in PostgreSQL text, so no real value looks like a stand-in; the
        # digits keep it the same when upper-cased, which a LIKE on UPPER(…) would do.
        return self._add(f"\x00{len(self._names)}\x00", name)

    def number(self, name: str) -> int:
        return self._add(_NUMBER_BASE - len(self._names), name)

    def _add(self, marker, name: str):
        if name in self._names.values():
            raise ImproperlyConfigured(f"the slot {name!r} is already taken")
        self._names[marker] = name
        return marker


@dataclass(frozen=True)
class _Fill:
    """Where a value goes among the parameters: as it is, or inside a LIKE pattern."""

    name: str
    prefix: str = ""
    suffix: str = ""

    @property
    def like(self) -> bool:
        return bool(self.prefix or self.suffix)


@dataclass(frozen=True)
class CompiledQuery:
    alias: str
    sql: str
    params: tuple

    def rows(self, values: Mapping[str, object]) -> list[tuple]:
        """The query's rows with `values` (by slot name) in place of the stand-ins."""
        connection = connections[self.alias]
        params = []
        for param in self.params:
            if isinstance(param, _Fill):
                value = values[param.name]
                if param.like:
                    escaped = connection.ops.prep_for_like_query(value)
                    value = f"{param.prefix}{escaped}{param.suffix}"
                param = value
            params.append(param)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


def compile_query(queryset: QuerySet, slots: Slots) -> CompiledQuery:
    """`queryset`, built with `slots`' stand-ins, as SQL to be run with other values."""
    alias = queryset.db
    sql, params = queryset.query.get_compiler(alias).as_sql()
    names = slots._names
    filled = []
    seen = set()
    for param in params:
        fill = _fill_for(param, names)
        if fill is not None:
            seen.add(fill.name)
        filled.append(fill or param)
    missing = set(names.values()) - seen
    if missing:
        raise ImproperlyConfigured(f"the compiled query does not take {sorted(missing)}")
    return CompiledQuery(alias, sql, tuple(filled))


def _fill_for(param, names: dict[object, str]) -> _Fill | None:
    if isinstance(param, int | str) and not isinstance(param, bool) and param in names:
        return _Fill(names[param])
    text = [marker for marker in names if isinstance(marker, str)]
    if isinstance(param, str):
        for marker in text:
            if marker in param:
                prefix, _, suffix = param.partition(marker)
                if {prefix, suffix} - {"", "%"}:
                    raise ImproperlyConfigured(f"the slot {names[marker]!r} is changed by the ORM")
                return _Fill(names[marker], prefix, suffix)
    elif isinstance(param, list | tuple) and any(
        _fill_for(item, names) is not None for item in param
    ):
        raise ImproperlyConfigured("a slot inside a list cannot be compiled")
    return None
