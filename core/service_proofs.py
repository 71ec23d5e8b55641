"""Proofs that a review is about a real service (已核实服务).

A review counts in the credit file (客户口碑) only when something shows the reviewer was
served: a standard service agreement issued to their mobile, a benefit redeemed at the
enterprise, a scan of the worker's card in the same browser. Those facts live in apps that
must not import each other, so each app registers a checker here from its ready(); the
reviews app asks `service_proof` and stores the first proof found.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from core.plugins import Registry


@dataclass(frozen=True)
class ServiceClaim:
    """What a reviewer says: their mobile (normalised), the subjects, the service day."""

    mobile: str
    service_date: date
    enterprise_id: int | None = None
    worker_id: int | None = None
    agreement_id: int | None = None
    # Workers whose cards were verified in this browser within REVIEW_SCAN_DAYS.
    scanned_worker_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ServiceProofChecker:
    kind: str
    label: str
    # Returns a reference to the proving record (e.g. "agreement:12"), or None.
    check: Callable[[ServiceClaim], str | None]


@dataclass(frozen=True)
class ServiceProof:
    kind: str
    reference: str


SERVICE_PROOFS: Registry[ServiceProofChecker] = Registry("service proofs")


def service_proof_register(checker: ServiceProofChecker, *, order: int | None = None):
    return SERVICE_PROOFS.register(checker, key=checker.kind, order=order)


def service_proof(claim: ServiceClaim) -> ServiceProof | None:
    """The first registered proof of the claimed service, or None."""
    for checker in SERVICE_PROOFS:
        if reference := checker.check(claim):
            return ServiceProof(checker.kind, reference[:100])
    return None


def service_proof_label(kind: str) -> str:
    checker = SERVICE_PROOFS.get(kind)
    return checker.label if checker else kind
