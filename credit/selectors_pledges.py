"""Reads of the credit pledge (信用承诺书) for the portal, the public profile and the admin."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from registry.models import Enterprise

from .models import CreditEvent, PledgeBreach, PledgeSignature, PledgeText


def current_pledge() -> PledgeText | None:
    return PledgeText.objects.current()


@dataclass(frozen=True)
class PledgeStatus:
    """An enterprise and the pledge in force: its signature of it, or its latest one."""

    current: PledgeText | None
    signature: PledgeSignature | None  # of the current version
    latest: PledgeSignature | None  # of any version

    @property
    def needs_signature(self) -> bool:
        return self.current is not None and self.signature is None


def pledge_status(enterprise: Enterprise) -> PledgeStatus:
    current = current_pledge()
    latest = (
        PledgeSignature.objects.filter(enterprise=enterprise)
        .select_related("pledge")
        .order_by("-pledge__version")
        .first()
    )
    signed_current = latest if latest and current and latest.pledge_id == current.pk else None
    return PledgeStatus(current=current, signature=signed_current, latest=latest)


@dataclass(frozen=True)
class PublicPledge:
    signature: PledgeSignature | None  # the latest, with its version
    is_current: bool
    breaches: list[PledgeBreach] = field(default_factory=list)


def public_pledge(enterprise: Enterprise, today: date | None = None) -> PublicPledge:
    """What the profile shows: the enterprise's latest signed pledge, whether it is the
    version in force, and the breaches whose record is still disclosed (active and within its
    disclosure period; a revoked or repaired record is not shown)."""
    today = today or timezone.localdate()
    status = pledge_status(enterprise)
    breaches = list(
        PledgeBreach.objects.filter(
            signature__enterprise=enterprise,
            revoked_at__isnull=True,
            event__status=CreditEvent.Status.ACTIVE,
        )
        .filter(Q(event__disclosure_until__isnull=True) | Q(event__disclosure_until__gte=today))
        .select_related("event")
        .order_by("-event__occurred_on")
    )
    return PublicPledge(
        signature=status.latest,
        is_current=status.signature is not None,
        breaches=breaches,
    )
