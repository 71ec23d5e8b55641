"""Reads of the public enterprise profile (/enterprises/<id>/): what anyone may see of an
operating enterprise in the registers. Never an ID number or a worker's mobile; workers'
names masked (core.personal_data.mask_person_name)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from core.personal_data import mask_person_name

from .models import Enterprise, EnterpriseQualification, ServiceOffering, Validity, WorkerCard
from .selectors import DocumentRow, qualification_rows


def public_enterprises() -> QuerySet[Enterprise]:
    """Enterprises with a public profile: the operating ones (在业). A suspended,
    deregistered or revoked enterprise has none."""
    return Enterprise.objects.active().select_related("township")


def has_public_profile(enterprise: Enterprise) -> bool:
    """The Python twin of `public_enterprises()`, for links on other pages."""
    return enterprise.business_status == Enterprise.BusinessStatus.OPERATING


@dataclass(frozen=True)
class LicenceStatus:
    rows: list[DocumentRow]
    business_licence: str  # the Validity of the business licence (营业执照)

    @property
    def business_licence_label(self) -> str:
        return Validity(self.business_licence).label


def licence_status(enterprise: Enterprise, today: date | None = None) -> LicenceStatus:
    """The enterprise's licences with their validity today, the business licence's first."""
    rows = qualification_rows(enterprise, today)
    licences = [
        row.status
        for row in rows
        if row.document is None
        or row.document.kind == EnterpriseQualification.Kind.BUSINESS_LICENCE
    ]
    # The best of its business licences counts (an old one expired, a renewed one valid).
    rank = [Validity.VALID, Validity.EXPIRING, Validity.EXPIRED, Validity.MISSING]
    best = min(licences, key=rank.index) if licences else Validity.MISSING
    return LicenceStatus(rows=rows, business_licence=best)


def public_offerings(enterprise: Enterprise) -> list[ServiceOffering]:
    """The services the enterprise offers now, with the standard item (guide price range,
    standard process, commitment), in catalogue order."""
    return list(
        ServiceOffering.objects.filter(
            enterprise=enterprise, is_active=True, category__is_active=True
        )
        .select_related("category")
        .order_by("category__sort_order", "category__name")
    )


@dataclass(frozen=True)
class CardHolder:
    masked_name: str
    position: str
    card_since: date


def card_holders(enterprise: Enterprise) -> list[CardHolder]:
    """The enterprise's workers holding a valid home-service card, names masked."""
    cards = (
        WorkerCard.objects.valid()
        .filter(employment__enterprise=enterprise)
        .select_related("worker", "employment")
        .only("issued_at", "worker__name", "employment__position", "employment__ended_on")
        .order_by("worker__name", "worker_id")
    )
    return [
        CardHolder(
            masked_name=mask_person_name(card.worker.name),
            position=card.employment.position,
            card_since=timezone.localdate(card.issued_at),
        )
        for card in cards
    ]
