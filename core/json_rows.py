"""Several lists of model rows read in one query.

A page that shows many short lists about one subject (a dossier: its documents, credit
events, ratings, complaints, reviews, agreements, ...) would otherwise cost one query per
list. `fetch_lists` reads them all in one round trip: every list becomes a branch of a
UNION ALL in which each row is one JSON object built by the database, together with its
position in the list's own order; the objects are turned back into model instances, with
what `select_related()` joined and what `annotate()` added, as the ORM would have built
them.

What a list may use: filters, ordering (its own or the model's), a slice, `select_related()`
with named relations, `only()`/`defer()` and annotations (window functions included, e.g. a
total over every row of the subject before the slice). Annotations are read as JSON values
(numbers, strings, booleans), so an annotation that is a date or a decimal comes back as
its JSON form. PostgreSQL and SQLite are supported.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal

from django.conf import settings
from django.db import connections
from django.db.models import F, Func, JSONField, Model, OrderBy, QuerySet, Window
from django.db.models import fields as model_fields
from django.db.models.functions import RowNumber
from django.utils import timezone

# Key/value pairs per JSON object call: PostgreSQL takes at most 100 arguments per function,
# SQLite 127 (older versions): wider rows are built as several objects and merged here.
PAIRS_PER_OBJECT = 40
ROW = "_zq_row"
POSITION = "_zq_position"
RELATED_PREFIX = "__"


@dataclass
class _Shape:
    """What one model instance of a list is built from: its loaded fields, the related
    instances joined to it (select_related) and its annotations."""

    model: type[Model]
    fields: list[model_fields.Field]
    related: dict[str, "_Shape"] = field(default_factory=dict)
    annotations: list[str] = field(default_factory=list)


class _JSONText(Func):
    """A JSON object (as text) of key/value pairs; the keys are this module's own names."""

    output_field = model_fields.TextField()

    def __init__(self, pairs: list[tuple[str, object]]):
        self.keys = [key for key, _value in pairs]
        super().__init__(*[value for _key, value in pairs])

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for key, expression in zip(self.keys, self.get_source_expressions(), strict=True):
            sql, value_params = compiler.compile(expression)
            if connection.vendor == "postgresql":
                parts.append(f"%s::text, {sql}")
            elif isinstance(getattr(expression, "output_field", None), JSONField):
                parts.append(f"%s, json({sql})")  # SQLite stores JSON as text: embed it as JSON
            else:
                parts.append(f"%s, {sql}")
            params += [key, *value_params]
        function = "json_build_object" if connection.vendor == "postgresql" else "json_object"
        cast = "::text" if connection.vendor == "postgresql" else ""
        return f"{function}({', '.join(parts)}){cast}", params


def _shape(model, select_related, mask, annotations=()) -> _Shape:
    pk = model._meta.pk
    if mask:
        loaded = [f for f in model._meta.concrete_fields if f in mask or f is pk]
    else:
        loaded = list(model._meta.concrete_fields)
    related = {}
    for name, deeper in (select_related or {}).items():
        relation = model._meta.get_field(name)
        related[name] = _shape(relation.related_model, deeper, mask.get(relation, {}))
    return _Shape(model, loaded, related, list(annotations))


def _pairs(shape: _Shape, prefix: str = "") -> list[tuple[str, object]]:
    pairs = [(f.attname, F(prefix + f.attname)) for f in shape.fields]
    for name, related in shape.related.items():
        pairs += [
            (f"{RELATED_PREFIX}{name}{RELATED_PREFIX}{key}", value)
            for key, value in _pairs(related, f"{prefix}{name}__")
        ]
    pairs += [(name, F(name)) for name in shape.annotations]
    return pairs


def _row_expressions(shape: _Shape) -> dict[str, _JSONText]:
    pairs = _pairs(shape)
    return {
        f"{ROW}{index}": _JSONText(pairs[start : start + PAIRS_PER_OBJECT])
        for index, start in enumerate(range(0, len(pairs), PAIRS_PER_OBJECT))
    }


def _ordering(queryset: QuerySet) -> list:
    names = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    expressions = []
    for item in [*names, "pk"]:
        if isinstance(item, str):
            descending = item.startswith("-")
            expressions.append(OrderBy(F(item.lstrip("-")), descending=descending))
        else:
            expressions.append(item)
    return expressions


def _value(model_field: model_fields.Field, value, connection):
    """A JSON value read back as the ORM reads the column."""
    if value is None:
        return None
    if isinstance(model_field, JSONField):
        return value
    if isinstance(model_field, model_fields.DecimalField):
        value = Decimal(str(value))
        if model_field.decimal_places is not None:
            value = value.quantize(Decimal(1).scaleb(-model_field.decimal_places))
        return value
    if hasattr(model_field, "from_db_value"):  # a field that reads its column itself
        return model_field.from_db_value(value, None, connection)
    value = model_field.to_python(value)
    datetime_field = isinstance(model_field, model_fields.DateTimeField)
    if datetime_field and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)  # SQLite keeps UTC times without an offset
    return value


def _split(data: dict) -> tuple[dict, dict[str, dict]]:
    """A row's own keys, and the keys of each related instance joined to it."""
    own, related = {}, {}
    for key, value in data.items():
        if key.startswith(RELATED_PREFIX):
            name, _sep, rest = key[len(RELATED_PREFIX) :].partition(RELATED_PREFIX)
            related.setdefault(name, {})[rest] = value
        else:
            own[key] = value
    return own, related


def _instance(shape: _Shape, data: dict, db: str):
    own, related = _split(data)
    if own.get(shape.model._meta.pk.attname) is None:
        return None  # an empty outer join: no related row
    connection = connections[db]
    names = [f.attname for f in shape.fields]
    values = [_value(f, own.get(f.attname), connection) for f in shape.fields]
    instance = shape.model.from_db(db, names, values)
    for name, related_shape in shape.related.items():
        relation = shape.model._meta.get_field(name)
        relation.set_cached_value(instance, _instance(related_shape, related.get(name, {}), db))
    for name in shape.annotations:
        setattr(instance, name, own.get(name))
    return instance


def _branch(queryset: QuerySet) -> tuple[QuerySet, _Shape, int]:
    """The list as a query of (JSON parts..., position), and how to read its rows."""
    query = queryset.query
    low, high = query.low_mark, query.high_mark
    select_related = query.select_related if isinstance(query.select_related, dict) else {}
    if query.select_related is True:
        raise ValueError("fetch_lists needs select_related() to name its relations")
    shape = _shape(
        queryset.model, select_related, query.get_select_mask(), list(query.annotation_select)
    )
    unsliced = queryset._chain()
    unsliced.query.clear_limits()
    rows = _row_expressions(shape)
    branch = unsliced.annotate(
        **rows, **{POSITION: Window(RowNumber(), order_by=_ordering(queryset))}
    ).values_list(*rows, POSITION)
    branch.query.set_limits(low, high)
    return branch, shape, len(rows)


def fetch_lists(lists: Mapping[str, QuerySet]) -> dict[str, list[Model]]:
    """Every queryset of `lists` evaluated, in one query: {name: [instances in order]}."""
    if not lists:
        return {}
    names = list(lists)
    dbs = {lists[name].db for name in names}
    if len(dbs) != 1:
        raise ValueError("fetch_lists reads lists of one database")
    db = dbs.pop()
    shapes, widths, selects, params = [], [], [], []
    for name in names:
        branch, shape, width = _branch(lists[name])
        shapes.append(shape)
        widths.append(width)
        selects.append(branch.query.sql_with_params())
    # Every branch gives (list index, position, JSON part 0, part 1, ...), padded to the
    # widest; each keeps its own ORDER BY and LIMIT inside its subquery. The SQL is the
    # ORM's own compilation of each list; the rest is this module's constant names.
    width = max(widths)
    parts = []
    for index, (sql, branch_params) in enumerate(selects):
        columns = [f"b{index}.{ROW}{part}" for part in range(widths[index])]
        columns += ["NULL"] * (width - widths[index])
        parts.append(
            f"SELECT {index}, b{index}.{POSITION}, {', '.join(columns)} "  # noqa: S608
            f"FROM ({sql}) b{index}"
        )
        params += branch_params
    with connections[db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    found: dict[int, list[tuple[int, dict]]] = {index: [] for index in range(len(names))}
    for list_index, position, *parts in rows:
        data = {}
        for part in parts[: widths[list_index]]:
            data.update(json.loads(part, parse_float=Decimal))
        found[list_index].append((position, data))
    return {
        name: [
            _instance(shapes[index], data, db)
            for _position, data in sorted(found[index], key=lambda row: row[0])
        ]
        for index, name in enumerate(names)
    }


def as_prefetched(instance: Model, relation: str, objects: list[Model]) -> None:
    """Make `instance.<relation>.all()` (a reverse foreign key) return `objects` without a
    query, as prefetch_related() would, each of them pointing back to `instance`."""
    manager = getattr(instance, relation)
    queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    back = manager.field
    for obj in objects:
        back.set_cached_value(obj, instance)
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[back.remote_field.cache_name] = queryset
