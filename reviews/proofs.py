"""The proofs of a real service the reviews app knows itself (core.service_proofs): a
standard service agreement issued to the reviewer's mobile, and a scan of the worker's card
in the reviewer's browser. Incentives registers redemptions from its own ready()."""

from agreements.models import ServiceAgreement
from core.personal_data import phone_hash
from core.service_proofs import (
    ServiceClaim,
    ServiceProofChecker,
    service_proof_label,
    service_proof_register,
)

AGREEMENT = "agreement"
CARD_SCAN = "card_scan"
LEGACY = "legacy"
LEGACY_LABEL = "历史评价"


def _agreement(claim: ServiceClaim) -> str | None:
    if claim.agreement_id is None:
        return None
    agreement = ServiceAgreement.objects.filter(
        pk=claim.agreement_id, customer_mobile_hash=phone_hash(claim.mobile)
    ).first()
    if agreement is None or agreement.enterprise_id != claim.enterprise_id:
        return None
    return f"服务约定 {agreement.number}"


def _card_scan(claim: ServiceClaim) -> str | None:
    if claim.worker_id is not None and claim.worker_id in claim.scanned_worker_ids:
        return f"扫码核验从业人员服务证（人员编号{claim.worker_id}）"
    return None


def register() -> None:
    service_proof_register(ServiceProofChecker(AGREEMENT, "服务约定", _agreement), order=10)
    service_proof_register(ServiceProofChecker(CARD_SCAN, "扫码核验", _card_scan), order=30)


def proof_label(kind: str) -> str:
    """What staff read for a review's proof kind."""
    if kind == LEGACY:
        return LEGACY_LABEL
    return service_proof_label(kind) if kind else ""
