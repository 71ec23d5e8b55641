"""Reads of agreements: the template in force, an enterprise's agreements and published
prices, the public look-up by number and mobile, and the staff's counts."""

import datetime
import re

from django.db.models import Case, Count, OuterRef, Prefetch, Q, Subquery, When, Window
from django.utils import timezone

from core.json_rows import as_prefetched
from core.personal_data import phone_hash
from registry.models import Employment, ServiceCategory, ServiceOffering, Worker

from .models import AgreementItem, AgreementTemplate, ServiceAgreement

NUMBER_PREFIX = "FW"
# No 0/O, 1/I: a number read out over the phone or copied from paper is not mistyped.
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
NUMBER_RANDOM_LENGTH = 6
NUMBER_LENGTH = len(NUMBER_PREFIX) + 8 + NUMBER_RANDOM_LENGTH
DOSSIER_AGREEMENTS = 20


def normalise_agreement_number(text: str) -> str:
    """What a person types, in the printed form: capitals, no spaces or dashes."""
    return re.sub(r"[\s\-－—_]", "", text or "").upper()


def agreement_number_problem(number: str) -> str | None:
    """Why `number` (normalised) cannot be an agreement number, or None."""
    tail = number[len(NUMBER_PREFIX) + 8 :]
    if (
        len(number) != NUMBER_LENGTH
        or not number.startswith(NUMBER_PREFIX)
        or not number[2:10].isdecimal()
        or not all(ch in NUMBER_ALPHABET for ch in tail)
    ):
        return "约定编号应为FW开头的16位编号，例如FW20251120K7Q4XP，请核对。"
    return None


def template_in_force(category: ServiceCategory | None) -> AgreementTemplate | None:
    """The latest published version for `category`, else the latest general template."""
    templates = AgreementTemplate.objects.order_by("-version")
    if category is not None:
        own = templates.filter(category=category).first()
        if own is not None:
            return own
    return templates.filter(category__isnull=True).first()


def templates_with_latest(queryset):
    """`queryset` of templates with `latest_pk`: the version in force of each one's item."""

    def newest(**where):
        return Subquery(
            AgreementTemplate.objects.filter(**where).order_by("-version").values("pk")[:1]
        )

    return queryset.annotate(
        latest_pk=Case(
            When(category__isnull=True, then=newest(category__isnull=True)),
            default=newest(category=OuterRef("category")),
        )
    )


def published_offerings(enterprise) -> list[ServiceOffering]:
    """The enterprise's published prices an agreement may use."""
    return list(
        ServiceOffering.objects.filter(
            enterprise=enterprise, is_active=True, category__is_active=True
        )
        .select_related("category")
        .order_by("category__sort_order", "category__name")
    )


def agreement_workers(enterprise):
    """Workers an agreement of `enterprise` may name: its current employees."""
    return Worker.objects.filter(
        pk__in=Employment.objects.current().filter(enterprise=enterprise).values("worker_id")
    ).order_by("name", "pk")


def _with_items(queryset):
    return queryset.select_related("enterprise", "worker", "township").prefetch_related(
        Prefetch("items", queryset=AgreementItem.objects.select_related("category"))
    )


def agreements_of(enterprise):
    """An enterprise's agreements, newest first, with their items."""
    return _with_items(ServiceAgreement.objects.filter(enterprise=enterprise))


def agreement_by_number_and_mobile(number: str, mobile: str) -> ServiceAgreement | None:
    """The agreement with this number issued to this (normalised) mobile. An unknown number
    and a known number with another mobile both answer None: nobody learns from the answer
    whether a number exists."""
    number = normalise_agreement_number(number)
    if agreement_number_problem(number) or not mobile:
        return None
    return (
        _with_items(ServiceAgreement.objects.filter(number=number))
        .filter(customer_mobile_hash=phone_hash(mobile))
        .first()
    )


def agreement_service_category(agreement: ServiceAgreement) -> ServiceCategory | None:
    """The service item a case about the agreement concerns: its first item's."""
    first = next(iter(agreement.items.all()), None)
    return first.category if first else None


COUNT_NAMES = (
    "issued_month",
    "confirmed_month",
    "issued_year",
    "confirmed_year",
    "awaiting",
    "total",
)


def _count_filters(today: datetime.date) -> dict[str, Q]:
    """The agreement counts of a list, as filters: issued and confirmed this month and this
    year (by their issue day), awaiting the customer's confirmation, and all."""
    month_start, year_start = today.replace(day=1), today.replace(month=1, day=1)
    confirmed = Q(status=ServiceAgreement.Status.CONFIRMED)
    in_year = Q(issued_on__gte=year_start, issued_on__lte=today)
    in_month = Q(issued_on__gte=month_start, issued_on__lte=today)
    return {
        "issued_month": in_month,
        "confirmed_month": in_month & confirmed,
        "issued_year": in_year,
        "confirmed_year": in_year & confirmed,
        "awaiting": Q(status=ServiceAgreement.Status.ISSUED),
        "total": Q(),
    }


def agreement_counts(*, today: datetime.date | None = None, enterprise=None) -> dict[str, int]:
    """Agreements issued and confirmed this month and this year (by their issue day), and
    those still awaiting the customer's confirmation; one query."""
    rows = ServiceAgreement.objects.all()
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    filters = _count_filters(today or timezone.localdate())
    return rows.aggregate(
        **{name: Count("pk", filter=condition or None) for name, condition in filters.items()}
    )


def dossier_agreement_lists(enterprise) -> dict:
    """The dossier's latest agreements of an enterprise, each carrying the enterprise's
    counts (window counts over all its agreements), and the items of those agreements."""
    filters = _count_filters(timezone.localdate())
    latest = (
        ServiceAgreement.objects.filter(enterprise=enterprise)
        .order_by("-issued_at", "-pk")
        .select_related("enterprise", "worker", "township")
        .annotate(
            **{
                f"count_{name}": Window(Count("pk", filter=condition or None))
                for name, condition in filters.items()
            }
        )[:DOSSIER_AGREEMENTS]
    )
    latest_ids = (
        ServiceAgreement.objects.filter(enterprise=enterprise)
        .order_by("-issued_at", "-pk")
        .values("pk")[:DOSSIER_AGREEMENTS]
    )
    return {
        "agreements": latest,
        "items": AgreementItem.objects.filter(agreement__in=latest_ids).select_related("category"),
    }


def dossier_agreements(rows: dict) -> tuple[dict[str, int], list[ServiceAgreement]]:
    """The counts and the agreements (with their items) `dossier_agreement_lists` read."""
    agreements = rows["agreements"]
    items: dict[int, list[AgreementItem]] = {}
    for item in rows["items"]:
        items.setdefault(item.agreement_id, []).append(item)
    for agreement in agreements:
        as_prefetched(agreement, "items", items.get(agreement.pk, []))
    first = agreements[0] if agreements else None
    counts = {name: getattr(first, f"count_{name}") if first else 0 for name in COUNT_NAMES}
    return counts, agreements


def agreement_with_items(pk) -> ServiceAgreement | None:
    """One agreement with its items (the public page, once its number and mobile matched)."""
    if not isinstance(pk, int):
        return None
    return _with_items(ServiceAgreement.objects.filter(pk=pk)).first()


CASE_MISMATCH = (
    "服务约定编号与您填写的手机号码对不上。请核对编号，并填写约定上登记的客户手机号码；"
    "记不清编号可以不填。"
)


def agreement_case_problem(agreement: ServiceAgreement, mobile: str) -> str | None:
    """Why a complaint or review from `mobile` (normalised) cannot name `agreement`: only
    the customer it was issued to may tie a case to it."""
    if not mobile or agreement.customer_mobile_hash != phone_hash(mobile):
        return CASE_MISMATCH
    return None
