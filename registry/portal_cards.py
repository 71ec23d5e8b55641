"""registry's cards on the portal home: the dossier's completeness, documents that are
expiring or expired (the enterprise's and its current workers'), and pending changes."""

from django.utils import timezone

from core.portal import PORTAL_CARDS, PortalCard

from .models import ChangeRequest, HealthCertificate, Validity, current_employment
from .selectors import enterprise_missing_items, qualification_rows

ATTENTION = (Validity.EXPIRING, Validity.EXPIRED, Validity.MISSING)


def _dossier(enterprise, request) -> dict:
    today = timezone.localdate()
    documents = [row for row in qualification_rows(enterprise, today) if row.status in ATTENTION]
    health = (
        HealthCertificate.objects.filter(
            current_employment("worker__employments__"),
            worker__employments__enterprise=enterprise,
            validity__in=[Validity.EXPIRING, Validity.EXPIRED],
        )
        .select_related("worker")
        .order_by("valid_to")[:20]
    )
    return {
        "enterprise": enterprise,
        "missing": enterprise_missing_items(enterprise),
        "documents": documents,
        "health": list(health),
        "pending_changes": ChangeRequest.objects.filter(
            enterprise=enterprise, status=ChangeRequest.Status.PENDING
        ).count(),
    }


def register() -> None:
    PORTAL_CARDS.register(
        PortalCard("dossier", "企业档案", "registry/portal/card_dossier.html", _dossier, order=10)
    )
