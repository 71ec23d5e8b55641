"""Proofs of a real service for a review (core.service_proofs): a benefit recorded at the
enterprise for a resident with the reviewer's mobile, or a booking from that mobile the
enterprise accepted, within REDEMPTION_PROOF_DAYS of the day the review names."""

from datetime import timedelta

from core.personal_data import phone_hash
from core.service_proofs import ServiceClaim, ServiceProofChecker, service_proof_register

from .models import BookingRequest, Redemption

REDEMPTION = "redemption"
BOOKING = "booking"
REDEMPTION_PROOF_DAYS = 7


def _redemption(claim: ServiceClaim) -> str | None:
    if claim.enterprise_id is None:
        return None
    window = timedelta(days=REDEMPTION_PROOF_DAYS)
    found = (
        Redemption.objects.filter(
            enterprise_id=claim.enterprise_id,
            resident__mobile_hash=phone_hash(claim.mobile),
            status=Redemption.Status.RECORDED,
            served_on__gte=claim.service_date - window,
            served_on__lte=claim.service_date + window,
        )
        .order_by("-served_on", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"优惠核销记录{found}" if found else None


def _booking(claim: ServiceClaim) -> str | None:
    """A booking from the reviewer's mobile that the enterprise accepted, for a day within
    REDEMPTION_PROOF_DAYS of the service day."""
    if claim.enterprise_id is None:
        return None
    window = timedelta(days=REDEMPTION_PROOF_DAYS)
    found = (
        BookingRequest.objects.filter(
            enterprise_id=claim.enterprise_id,
            mobile_hash=phone_hash(claim.mobile),
            status=BookingRequest.Status.ACCEPTED,
            preferred_date__gte=claim.service_date - window,
            preferred_date__lte=claim.service_date + window,
        )
        .order_by("-preferred_date")
        .values_list("number", flat=True)
        .first()
    )
    return f"预约{found}" if found else None


def register() -> None:
    service_proof_register(ServiceProofChecker(BOOKING, "预约接单", _booking), order=25)
    service_proof_register(ServiceProofChecker(REDEMPTION, "优惠核销", _redemption), order=20)
