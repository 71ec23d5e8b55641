"""The admin at province scale: lists whose cost does not grow with the table.

- `EstimatedCountPaginator`: an unfiltered list of a big table reads PostgreSQL's row
  estimate (pg_class.reltuples, kept by ANALYZE/autovacuum) instead of COUNT(*) over a
  million rows; a search of a big table counts its matches up to SEARCH_COUNT_CAP (the
  list then says "超过…条" and offers no "select all"); a filtered list, or a small table,
  is counted exactly.
- `scale_defaults(model_admin)`: applied by the site to every registered ModelAdmin, also
  to ones added later: that paginator; no second COUNT(*) of the whole table for the
  "(N total)" link next to a filtered count; and the change page and the inline rows load
  their forward relations (shown as read-only fields and row labels) in the same query.
- `subquery_search`: the default search of an admin that does not search in its own way,
  with a field across a foreign key (`enterprise__name`) searched as `enterprise_id IN
  (SELECT id FROM enterprise WHERE …)`: the related table's index answers it, instead of
  joining every rating to every enterprise and worker before filtering; when such a field
  is searched beside others, each field is its own subquery of ids, joined by UNION ALL,
  so that no branch makes the others scan the table. A term shorter
  than three characters searches a model's `short_search_fields` (names) through their
  character-pair index (`core.search`): the trigram index cannot answer it.
- `MemoRelatedFilter`: a related-field filter that reads its choices once per request (with
  facets Django instantiates every filter once more for each filter's counts).
- `SelectedOnlyRelatedFilter`: a filter by a big table (enterprises) that lists only the
  selected object, so that a link such as `?enterprise__id__exact=12` works without the
  sidebar listing 100,000 enterprises.
- `LoadedAutocompleteInlineMixin`: inline rows show their autocomplete selections from the
  related rows already loaded with the inline's queryset, not one query per row.
"""

import time
from datetime import date, datetime

from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal

from .search import count_up_to, term_condition

# Below this many rows an exact COUNT(*) is cheap and the list shows the true figure.
ESTIMATE_ABOVE = 50_000
# The estimate is read at most this often per table and process.
ESTIMATE_TTL_SECONDS = 300
_estimates: dict[tuple[str, str], tuple[float, int]] = {}


def table_estimate(using: str, table: str) -> int | None:
    """PostgreSQL's estimate of the rows of `table` (None elsewhere or before ANALYZE)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    key = (using, table)
    now = time.monotonic()
    cached = _estimates.get(key)
    if cached and now - cached[0] < ESTIMATE_TTL_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table]
        )
        row = cursor.fetchone()
    estimate = int(row[0]) if row and row[0] is not None and row[0] >= 0 else None
    _estimates[key] = (now, estimate)
    return estimate


def big_table(model, using: str = "default") -> bool:
    """Whether `model`'s table holds more than ESTIMATE_ABOVE rows by the estimate."""
    estimate = table_estimate(using, model._meta.db_table)
    return estimate is not None and estimate > ESTIMATE_ABOVE


def forget_estimates() -> None:
    _estimates.clear()


# A search of a big table counts at most this many matches (50 pages of 100 rows): the
# count of a term every name contains then takes about 90 ms at 100,000 enterprises.
SEARCH_COUNT_CAP = 5_000


class EstimatedCountPaginator(Paginator):
    """The unfiltered list of a big table is counted by estimate; a search of a big table
    (`searched`) up to SEARCH_COUNT_CAP: a one- or two-character term that most names
    contain (王, 家政) would otherwise be tested against every row for the count, a second
    and more at province scale. `capped` then says there are more matches than shown."""

    def __init__(self, *args, searched: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.searched = searched
        self.capped = False

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:
            return super().count
        if not query.where and not query.distinct:
            estimate = table_estimate(queryset.db, queryset.model._meta.db_table)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                return estimate
        elif self.searched and big_table(queryset.model, queryset.db):
            counted = count_up_to(queryset, SEARCH_COUNT_CAP)
            self.capped = counted > SEARCH_COUNT_CAP
            return min(counted, SEARCH_COUNT_CAP)
        return super().count


def forward_relations(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if field.many_to_one]


def _object_with_relations(model_admin):
    def get_object(request, object_id, from_field=None):
        queryset = model_admin.get_queryset(request)
        model = queryset.model
        field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
        try:
            object_id = field.to_python(object_id)
            return queryset.select_related(*forward_relations(model)).get(**{field.name: object_id})
        except (model.DoesNotExist, ValidationError, ValueError):
            return None

    return get_object


def _inline_rows_with_relations(inline_class) -> None:
    if inline_class.__dict__.get("_rows_with_relations"):
        return
    get_queryset = inline_class.get_queryset

    def with_relations(self, request):
        queryset = get_queryset(self, request)
        return queryset.select_related(*forward_relations(queryset.model))

    inline_class.get_queryset = with_relations
    inline_class._rows_with_relations = True


def _search_lookup(model, spec: str) -> str:
    """The lookup Django's admin search uses for a `search_fields` entry."""
    prefixes = {"^": "istartswith", "=": "iexact", "@": "search"}
    if spec[:1] in prefixes:
        return f"{spec[1:]}__{prefixes[spec[0]]}"
    opts, parts = model._meta, spec.split(LOOKUP_SEP)
    for part in parts:
        try:
            field = opts.get_field(opts.pk.name if part == "pk" else part)
        except FieldDoesNotExist:
            return spec  # ends with a lookup of its own
        if field.is_relation and field.related_model is not None:
            opts = field.related_model._meta
    return f"{spec}__icontains"


def any_of_rows(queryset, alternatives: list):
    """`queryset`'s rows found by any of `alternatives` (querysets of the same model), each
    its own subquery of primary keys joined by UNION ALL, so that each is answered by its
    own index (see `_any_of`)."""
    if len(alternatives) == 1:
        return alternatives[0]
    keys = [alternative.order_by().values("pk") for alternative in alternatives]
    return queryset.filter(pk__in=keys[0].union(*keys[1:], all=True))


def lookup_condition(model, lookup: str, term) -> Q:
    """`lookup` = `term`, through a subquery of the related table when it crosses a forward
    foreign key (`worker__id_number_hash__exact`: `worker_id IN (SELECT id FROM worker
    WHERE id_number_hash = …)`)."""
    first, _, rest = lookup.partition(LOOKUP_SEP)
    try:
        field = model._meta.get_field(first)
    except FieldDoesNotExist:
        return Q(**{lookup: term})
    if field.many_to_one and LOOKUP_SEP in rest:
        related = field.related_model
        inner = lookup_condition(related, rest, term)
        return Q(**{f"{first}__in": related._base_manager.filter(inner).values("pk")})
    return term_condition(model, lookup, term)


def _crosses_relation(model, lookup: str) -> bool:
    first, _, rest = lookup.partition(LOOKUP_SEP)
    try:
        field = model._meta.get_field(first)
    except FieldDoesNotExist:
        return False
    return field.many_to_one and LOOKUP_SEP in rest


def _any_of(model, branches: list[Q], *, union: bool) -> Q:
    """Rows matching any of `branches`. PostgreSQL can combine the indexes of ORed
    conditions on the table's own columns, but not an `IN (SELECT …)` across a foreign key:
    ORed with one, every condition is checked row by row over the whole table. With
    `union`, each branch is its own subquery of primary keys, answered by its own index
    (`id IN (SELECT id … WHERE number = … UNION ALL SELECT id … WHERE enterprise_id IN …)`)."""
    if not union or len(branches) < 2:
        either = Q()
        for branch in branches:
            either |= branch
        return either
    keys = [model._base_manager.filter(branch).order_by().values("pk") for branch in branches]
    return Q(pk__in=keys[0].union(*keys[1:], all=True))


def subquery_search(model_admin):
    def get_search_results(request, queryset, search_term):
        fields = model_admin.get_search_fields(request)
        lookups = [_search_lookup(queryset.model, str(spec)) for spec in fields]
        if not lookups or not search_term or any("pk__exact" in item for item in lookups):
            return admin.ModelAdmin.get_search_results(model_admin, request, queryset, search_term)
        crossing = any(_crosses_relation(queryset.model, lookup) for lookup in lookups)
        terms = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            branches = [lookup_condition(queryset.model, lookup, bit) for lookup in lookups]
            terms.append(_any_of(queryset.model, branches, union=crossing))
        duplicates = any(lookup_spawns_duplicates(model_admin.opts, item) for item in lookups)
        return queryset.filter(*terms), duplicates

    return get_search_results


# The first year a year filter offers (the programme's first rated year is 2025).
FIRST_YEAR = 2024


def year_filter(field_name: str, title: str = "年度") -> type[admin.SimpleListFilter]:
    """A filter by year whose choices come from the calendar (this year back to
    FIRST_YEAR), not from the table: Django's filter of a field's values and its date
    hierarchy each read the whole table for their choices, on every page of the list. On a
    date or datetime field it is a range the field's index answers, under the date
    hierarchy's own parameter (`<field>__year`), so links made for it still work; on a
    year number it is the field's equality, under the field's name."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            this_year = timezone.localdate().year
            return [(str(year), f"{year}年") for year in range(this_year, FIRST_YEAR - 1, -1)]

        def queryset(self, request, queryset):
            value = self.value()
            if not value:
                return queryset
            if not value.isdecimal() or not 1900 < int(value) < 3000:
                return queryset.none()
            year = int(value)
            field = queryset.model._meta.get_field(field_name)
            if not isinstance(field, models.DateField):
                return queryset.filter(**{field_name: year})
            start, end = date(year, 1, 1), date(year + 1, 1, 1)
            if isinstance(field, models.DateTimeField):
                midnight = datetime.min.time()
                start, end = (
                    timezone.make_aware(datetime.combine(day, midnight)) for day in (start, end)
                )
            return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})

    YearFilter.title = title
    YearFilter.__name__ = f"YearFilter_{field_name}"
    return YearFilter


def _date_hierarchy_as_year_filter(model_admin) -> None:
    field_name = model_admin.date_hierarchy
    field = model_admin.model._meta.get_field(field_name)
    year = year_filter(field_name, f"{field.verbose_name}（年）")
    year.parameter_name = f"{field_name}__year"
    model_admin.list_filter = [year, *model_admin.list_filter]
    model_admin.date_hierarchy = None


def _paginator_told_of_searches(model_admin):
    def get_paginator(request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        kwargs = {}
        if issubclass(model_admin.paginator, EstimatedCountPaginator):
            kwargs["searched"] = bool(request.GET.get(SEARCH_VAR, "").strip())
        return model_admin.paginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)

    return get_paginator


def scale_defaults(model_admin) -> None:
    if getattr(model_admin, "_scale_defaults", False):
        return
    if model_admin.date_hierarchy:
        _date_hierarchy_as_year_filter(model_admin)
    if model_admin.paginator is Paginator:
        model_admin.paginator = EstimatedCountPaginator
    if type(model_admin).get_paginator is admin.ModelAdmin.get_paginator:
        model_admin.get_paginator = _paginator_told_of_searches(model_admin)
    model_admin.show_full_result_count = False
    if type(model_admin).get_object is admin.ModelAdmin.get_object:
        model_admin.get_object = _object_with_relations(model_admin)
    for inline_class in model_admin.inlines:
        _inline_rows_with_relations(inline_class)
    if type(model_admin).get_search_results is admin.ModelAdmin.get_search_results:
        model_admin.get_search_results = subquery_search(model_admin)
    model_admin._scale_defaults = True


class MemoRelatedFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        memo = request.__dict__.setdefault("_related_filter_choices", {})
        key = (model_admin.model, self.field_path)
        if key not in memo:
            memo[key] = super().field_choices(field, request, model_admin)
        return memo[key]


class SelectedOnlyRelatedFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        if not self.lookup_val:
            return []
        related = field.remote_field.model._default_manager.filter(pk__in=self.lookup_val)
        return [(obj.pk, str(obj)) for obj in related]

    def has_output(self):
        return bool(self.lookup_val)


class LoadedAutocompleteSelect(AutocompleteSelect):
    """Renders the selected option from `loaded` ({pk as text: object}) when it holds it."""

    loaded: dict = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not selected <= self.loaded.keys():
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            label = self.choices.field.label_from_instance(self.loaded[key])
            default[1].append(
                self.create_option(name, self.loaded[key].pk, label, selected, len(default[1]))
            )
        return [default]


class LoadedAutocompleteInlineMixin:
    """For inlines whose queryset select_related()s their autocomplete fields."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        names = list(self.get_autocomplete_fields(request))

        class LoadedFormSet(formset):
            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                cache = form.instance._state.fields_cache
                for name in names:
                    field = form.fields.get(name)
                    widget = getattr(getattr(field, "widget", None), "widget", None)
                    related = cache.get(name)
                    if isinstance(widget, LoadedAutocompleteSelect) and related is not None:
                        widget.loaded = {str(related.pk): related}
                return form

        return LoadedFormSet
