"""Writes to the documents of a dossier: qualifications, certificates, checks, offerings."""

from django.db import models, transaction
from django.utils import timezone

from core.audit import audited_delete, audited_save
from core.files import sanitised_upload

from ..models import Document, ServiceCategory
from .refresh import dossier_recompute


def _recompute_owner(record) -> None:
    if hasattr(record, "enterprise_id"):
        dossier_recompute(enterprise_ids=[record.enterprise_id])
    else:
        dossier_recompute(worker_ids=[record.worker_id])


def uploads_sanitise(instance) -> None:
    """Replace each newly uploaded file on `instance` with its metadata-free copy."""
    for field in instance._meta.fields:
        if isinstance(field, models.FileField):
            value = getattr(instance, field.name)
            if value and not value._committed:
                setattr(instance, field.name, sanitised_upload(value.file))


@transaction.atomic
def record_save(*, actor, record):
    """Save any dossier record (a document, check, training, skill or offering)."""
    if isinstance(record, Document) and record.pk:
        previous = type(record).objects.filter(pk=record.pk).values("valid_to").first()
        if previous and previous["valid_to"] != record.valid_to:
            # A renewed document is announced again before its new expiry date.
            record.expiry_notified_at = None
    record.full_clean()
    if isinstance(record, Document):
        record.validity = record.current_validity()
    uploads_sanitise(record)
    audited_save(record, actor=actor)
    _recompute_owner(record)
    return record


@transaction.atomic
def record_delete(*, actor, record) -> None:
    audited_delete(record, actor=actor)
    _recompute_owner(record)


@transaction.atomic
def service_category_save(*, actor, category: ServiceCategory) -> ServiceCategory:
    category.full_clean()
    audited_save(category, actor=actor)
    return category


@transaction.atomic
def records_verify(*, actor, records) -> int:
    """Mark uploaded records (health certificates, training records, skills) as checked
    against the original (核验): from then on they count in the dossier and at the door.
    Each change is in the record's history under `actor`; returns how many were verified."""
    verified = 0
    now = timezone.now()
    for record in records.select_for_update().filter(verified=False):
        record.verified = True
        if hasattr(record, "verified_at"):
            record.verified_at = now
        record_save(actor=actor, record=record)
        verified += 1
    return verified
