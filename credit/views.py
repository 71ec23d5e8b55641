"""Public credit pages: the look-up, the honour roll (诚信红榜), the published standard and
the disclosure lists (行政处罚公示, 重点管理名单).

Anyone may read them, without an account; they show final ratings only and no personal data
(an honoured worker's full name and photo only with their consent).
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core import page_cache
from core.choice_fields import ListedModelChoiceField
from core.form_errors import ResidentFormMixin
from core.search import CappedCountPaginator
from registry.models import ServiceCategory, Township
from registry.verification import photo_thumbnail

from . import selectors, selectors_disclosure, selectors_honour, selectors_lookup
from .models import GRADES

LOOKUP_PAGE_SIZE = 20
DISCLOSURE_PAGE_SIZE = 20


class LookupForm(ResidentFormMixin, forms.Form):
    q = forms.CharField(
        label=_("企业名称或统一社会信用代码"),
        max_length=100,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    township = ListedModelChoiceField(
        label=_("所在乡镇"),
        queryset=Township.objects.all(),
        required=False,
        empty_label=_("全部乡镇"),
    )
    service = ListedModelChoiceField(
        label=_("服务项目"),
        queryset=ServiceCategory.objects.filter(is_active=True),
        required=False,
        empty_label=_("全部服务项目"),
    )
    grade = forms.ChoiceField(
        label=_("信用等级"),
        choices=[("", _("全部等级")), *((g.value, g.label) for g in GRADES)],
        required=False,
    )


# A look-up without a name (every enterprise, or those of a township, service or grade:
# a whole-table count and sort) is the same for everyone in a language: its body is cached
# until enterprises, their services, final ratings, townships or service categories change
# (page_cache versions), and at most LOOKUP_CACHE_SECONDS. A name search reads few rows
# through the trigram index; what surrounds its results and each result's entry come from
# shared fragments.
LOOKUP_CACHE_SECONDS = 300
# A name search counts at most this many matches (10 pages): a term nearly every name
# contains (家政) would otherwise count the whole register on every request (core.search).
LOOKUP_COUNT_CAP = 200
# Longer query strings (no form produces them) are answered without the cache.
LOOKUP_CACHE_MAX_QUERY = 300
# The look-up's choices: a name search's page around its results is rendered once for each
# combination chosen (_named_search_body).
FILTERS = ("township", "service", "grade")
# Where a name search's own parts go in that shared page (page_cache.fill): plain letters,
# which escaping leaves as they are and no data contains.
QUERY_MARKER = "ZQJZLOOKUPQUERYMARKER"
RESULTS_MARKER = "ZQJZLOOKUPRESULTSMARKER"


@require_safe
def lookup(request):
    if len(request.META.get("QUERY_STRING", "")) > LOOKUP_CACHE_MAX_QUERY:
        body = _lookup_body(request, LookupForm(request.GET or None))
    elif request.GET.get("q", "").strip():
        body = _named_search_body(request)
    else:
        body = page_cache.fragment(
            "credit-lookup",
            depends_on=[page_cache.CREDIT_LOOKUP, page_cache.PUBLIC_CHOICES],
            vary=sorted(request.GET.lists()),
            seconds=LOOKUP_CACHE_SECONDS,
            render=lambda: _lookup_body(request, LookupForm(request.GET or None)),
        )
    return render(request, "credit/lookup.html", {"body": body})


def _lookup_body(request, form: LookupForm) -> SafeString:
    """The look-up's body: the form as submitted (with its errors) and the results."""
    html = render_to_string(
        "credit/partials/lookup_body.html",
        {"form": form, "results": _results_section(request, _asked(form))[0]},
    )
    return mark_safe(html)  # noqa: S308 - rendered by the template, escaped there


def _named_search_body(request) -> SafeString:
    """A name search's body: its results put into the page around them, which is rendered
    once for each combination of choices and shared by every name (its query field holds
    QUERY_MARKER, its results RESULTS_MARKER), read with the results' entries in one cache
    round trip. A form with errors is rendered whole."""
    asked = _name_only(request)
    if asked is None:
        form = LookupForm(request.GET)
        if not form.is_valid():
            return _lookup_body(request, form)
        asked = _asked(form)

    def render_around() -> str:
        data = request.GET.copy()
        data["q"] = QUERY_MARKER
        return render_to_string(
            "credit/partials/lookup_body.html",
            {"form": LookupForm(data), "results": RESULTS_MARKER},
        )

    around = page_cache.one(
        "credit-lookup-around",
        depends_on=[page_cache.PUBLIC_CHOICES],
        # What each choice's field shows: the value submitted (Select.value_from_datadict).
        vary=[repr(request.GET.get(name)) for name in FILTERS],
        seconds=LOOKUP_CACHE_SECONDS,
        compute=render_around,
    )
    results, [[around_html]] = _results_section(request, asked, around)
    # The query field shows the text submitted, as the form's widget does.
    return page_cache.fill(
        around_html, {RESULTS_MARKER: results, QUERY_MARKER: request.GET.get("q", "")}
    )


@dataclass(frozen=True)
class Asked:
    """What a look-up asks for, validated (LookupForm's cleaned values)."""

    query: str = ""
    township: Township | None = None
    service: ServiceCategory | None = None
    grade: str = ""


def _asked(form: LookupForm) -> Asked:
    """What `form` asks for; nothing (every enterprise) when it has errors."""
    if not (form.is_bound and form.is_valid()):
        return Asked()
    data = form.cleaned_data
    return Asked(data["q"], data["township"], data["service"], data["grade"])


def _name_only(request) -> Asked | None:
    """A look-up asking for a name and nothing else (most of them), cleaned by the form's
    own field without building the form; None for any other, or a name the field refuses."""
    if not set(request.GET) <= {"q", "page"}:
        return None
    try:
        return Asked(LookupForm.base_fields["q"].clean(request.GET.get("q", "")))
    except ValidationError:
        return None


def _results_section(
    request, asked: Asked, *also: page_cache.Wanted
) -> tuple[SafeString, list[list]]:
    """The results of the look-up `asked` for, and the values of `also`, read from the
    cache with the results' entries."""
    query, township, service, grade = asked.query, asked.township, asked.service, asked.grade
    filters = {
        "township_id": township.pk if township else None,
        "category_id": service.pk if service else None,
        "grade": grade,
    }

    def paginator() -> Paginator:  # built only when the first page is not all there is
        enterprises = selectors_lookup.lookup_rows(
            selectors_lookup.enterprise_search(query, **filters)
        )
        if query:
            return CappedCountPaginator(enterprises, LOOKUP_PAGE_SIZE, cap=LOOKUP_COUNT_CAP)
        return Paginator(enterprises, LOOKUP_PAGE_SIZE)

    number = request.GET.get("page")
    if number in (None, "", "1"):
        page, ratings = _first_page(query, filters, paginator)
        rows = page.object_list
    else:
        page, ratings = paginator().get_page(number), None
        rows = [selectors_lookup.LookupEnterprise(*row) for row in page.object_list]
    entries, *others = page_cache.shared_all(_result_items(rows, ratings), *also)
    # Each entry was rendered by its template (lookup_result.html), which escaped it.
    entries = [mark_safe(entry) for entry in entries]  # noqa: S308
    html = render_to_string(
        "credit/partials/lookup_results.html",
        {
            "searched": bool(query or township or service or grade),
            "page_obj": page,
            "results": entries,
        },
        request=request if page.paginator.num_pages > 1 else None,  # the pager's links
    )
    return mark_safe(html), others  # noqa: S308 - rendered by the template, escaped there


def _first_page(query: str, filters: dict, paginator) -> tuple[Page, dict]:
    """The first page and its enterprises' latest final ratings, read in one query with one
    row more than a page: when that row is missing (most name searches find fewer than a
    page), the count is known without a COUNT(*)."""
    first = selectors_lookup.lookup_first_rows(query, **filters, limit=LOOKUP_PAGE_SIZE + 1)
    rows = first.enterprises
    if len(rows) <= LOOKUP_PAGE_SIZE:
        return Paginator(rows, LOOKUP_PAGE_SIZE).page(1), first.ratings
    return Page(rows[:LOOKUP_PAGE_SIZE], 1, paginator()), first.ratings


def _result_items(
    enterprises: list[selectors_lookup.LookupEnterprise], ratings: dict[int, dict] | None
) -> page_cache.Wanted:
    """Each enterprise's entry in the results, rendered once and shared by every page and
    query listing it. Its latest final rating comes from `ratings` when it was read with the
    rows (the first page), else it is read for the entries not cached."""
    template = get_template("credit/partials/lookup_result.html")

    def render(indexes: list[int]) -> list[str]:
        results = selectors_lookup.lookup_results([enterprises[i] for i in indexes], ratings)
        return [template.render({"item": item}) for item in results]

    return page_cache.many(
        "credit-lookup-result",
        depends_on=[page_cache.CREDIT_LOOKUP],
        varies=[e.pk for e in enterprises],
        seconds=LOOKUP_CACHE_SECONDS,
        compute=render,
    )


@require_safe
def honor_roll(request):
    return render(request, "credit/honor_roll.html", {"roll": selectors_honour.honor_roll()})


@require_safe
def honor_roll_photo(request, year: int, pk: int):
    """An honoured worker's photo, only while they consent to it being shown (worker photos
    are otherwise staff-only media); never cached, so a withdrawal takes effect at once."""
    worker = selectors_honour.honoured_worker_photo(year, pk)
    data = photo_thumbnail(worker.photo) if worker else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


@require_safe
def standard(request):
    return render(request, "credit/standard.html", {"standards": selectors.published_standards()})


class DisclosureSearchForm(ResidentFormMixin, forms.Form):
    q = forms.CharField(
        label=_("企业名称或统一社会信用代码"),
        max_length=100,
        required=False,
        strip=True,
        help_text=_("从业人员按其所在企业查询。"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def _disclosure_page(request, template: str, records, to_rows):
    """One disclosure list: `records(day, query)` of today, searched, paginated."""
    form = DisclosureSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    today = timezone.localdate()
    page = Paginator(records(today, query), DISCLOSURE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "form": form,
            "query": query,
            "today": today,
            "page_obj": page,
            "rows": to_rows(page.object_list),
        },
    )


@require_safe
def penalties(request):
    """行政处罚公示: penalties within their disclosure period."""
    return _disclosure_page(
        request,
        "credit/penalties.html",
        selectors_disclosure.penalties_disclosed,
        selectors_disclosure.penalty_rows,
    )


@require_safe
def key_list(request):
    """重点管理名单: subjects under key management today."""
    return _disclosure_page(
        request,
        "credit/key_list.html",
        selectors_disclosure.key_list_disclosed,
        selectors_disclosure.key_list_rows,
    )
