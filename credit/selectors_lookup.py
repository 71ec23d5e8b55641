"""The public credit look-up's reads (credit.views.lookup): the search of the enterprise
register and a page of results with their latest final ratings. The complaint form's
enterprise picker and the disclosure lists search the register the same way."""

from contextlib import suppress
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from core.json_rows import fetch_lists
from core.search import term_condition
from core.validators import clean_uscc
from registry.models import Enterprise, ServiceOffering

from .models import Rating
from .selectors import PublicRating, final_rating_lists, public_ratings


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
    enterprises = Enterprise.objects.select_related("township").order_by("name", "id")
    query = (query or "").strip()
    if query:
        condition = term_condition(Enterprise, "name__icontains", query)
        with suppress(ValidationError):  # not a valid code: a name search only
            condition |= Q(uscc=clean_uscc(query))
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


# What a result's entry shows (credit/partials/lookup_result.html).
LOOKUP_FIELDS = ("name", "kind", "uscc", "business_status", "township__name")


@dataclass(frozen=True)
class LookupResult:
    enterprise: Enterprise
    rating: PublicRating | None


def lookup_results(enterprise_ids: list[int]) -> list[LookupResult]:
    """A page of the look-up's results, in the order of `enterprise_ids`: each enterprise
    with its latest final rating (one query)."""
    if not enterprise_ids:
        return []
    lists = fetch_lists(
        {
            "enterprises": Enterprise.objects.filter(pk__in=enterprise_ids)
            .select_related("township")
            .only(*LOOKUP_FIELDS),
            **final_rating_lists(enterprise_ids),
        }
    )
    found = {enterprise.pk: enterprise for enterprise in lists["enterprises"]}
    ratings = public_ratings(lists)
    return [LookupResult(found[pk], ratings.get(pk)) for pk in enterprise_ids if pk in found]
