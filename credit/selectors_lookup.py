"""The public credit look-up's reads (credit.views.lookup): the search of the enterprise
register and a page of results with their latest final ratings. The complaint form's
enterprise picker and the disclosure lists search the register the same way."""

from contextlib import suppress
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from core.search import term_condition
from core.validators import clean_uscc
from registry.models import Enterprise, ServiceOffering

from .models import Rating
from .selectors import PublicRating, latest_final_ratings


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


def lookup_results(enterprises: list[LookupEnterprise]) -> list[LookupResult]:
    """Pair a page of enterprises with their latest final rating."""
    ratings = latest_final_ratings(e.pk for e in enterprises) if enterprises else {}
    return [LookupResult(e, ratings.get(e.pk)) for e in enterprises]
