"""The worker's consent to be named in full with their photo on the honour roll and its
posters: given and withdrawn by the worker on their own record, recorded with history.
Withdrawing takes effect at once: the pages read the current consent on every request."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audited_save

from ..models import PublicNameConsent, Worker

BY_WORKER = "从业人员本人操作"


@transaction.atomic
def public_name_consent_give(*, worker: Worker) -> PublicNameConsent:
    """Record the worker's consent; giving it again while it stands changes nothing."""
    # Lock the worker: two clicks at once must not record two consents.
    Worker.objects.select_for_update().only("pk").get(pk=worker.pk)
    current = PublicNameConsent.objects.current().filter(worker=worker).first()
    if current is not None:
        return current
    consent = PublicNameConsent(worker=worker, consented_at=timezone.now())
    consent.full_clean()
    try:
        with transaction.atomic():
            return audited_save(consent, actor=None, reason=BY_WORKER)
    except IntegrityError:  # the partial unique index, should the lock ever be bypassed
        return PublicNameConsent.objects.current().get(worker=worker)


@transaction.atomic
def public_name_consent_withdraw(*, worker: Worker) -> int:
    """Withdraw the worker's current consent (if any); returns how many were withdrawn."""
    withdrawn = 0
    for consent in PublicNameConsent.objects.select_for_update().current().filter(worker=worker):
        consent.withdrawn_at = timezone.now()
        audited_save(consent, actor=None, update_fields=["withdrawn_at"], reason=BY_WORKER)
        withdrawn += 1
    return withdrawn
