"""Writes to the enterprise and worker registers."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import personal_data
from core.audit import audited_save
from core.validators import IdentityNumber, clean_id_number, clean_mobile

from ..models import Employment, Enterprise, Worker
from .cards import REASON_EMPLOYMENT_ENDED, cards_revoke_for_employment
from .documents import uploads_sanitise
from .personal import personal_data_reveal
from .refresh import dossier_recompute


@transaction.atomic
def enterprise_save(*, actor, enterprise: Enterprise) -> Enterprise:
    enterprise.full_clean()
    uploads_sanitise(enterprise)
    audited_save(enterprise, actor=actor)
    dossier_recompute(enterprise_ids=[enterprise.pk])
    enterprise.refresh_from_db()
    return enterprise


def worker_identity_apply(worker: Worker, identity: IdentityNumber) -> Worker:
    """Store the ID number protected, and what is derived from it."""
    worker.id_number_encrypted = personal_data.encrypt(identity.number)
    worker.id_number_hash = personal_data.lookup_hash(identity.number)
    worker.id_number_masked = identity.masked
    worker.id_last4 = identity.last4
    worker.birth_date = identity.birth_date
    worker.gender = identity.gender
    return worker


def worker_find_by_id_number(id_number: str) -> Worker | None:
    identity = clean_id_number(id_number)
    return Worker.objects.filter(id_number_hash=personal_data.lookup_hash(identity.number)).first()


@transaction.atomic
def worker_save(
    *, actor, worker: Worker, id_number: str | None = None, phone: str | None = None
) -> Worker:
    """Create or update a worker; `id_number` is required for a new worker. `phone` (when
    given; empty removes it) is stored protected like the ID number."""
    if phone is not None:
        try:
            number = clean_mobile(phone) if phone.strip() else ""
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
        personal_data.phone_apply(worker, "phone", number)
    if id_number:
        identity = clean_id_number(id_number)
        duplicate = Worker.objects.filter(
            id_number_hash=personal_data.lookup_hash(identity.number)
        ).exclude(pk=worker.pk)
        if duplicate.exists():
            raise ValidationError(
                {"id_number": "该身份证号已登记在档，请勿重复建档，可在已有档案上更新。"}
            )
        worker_identity_apply(worker, identity)
    elif worker.pk is None and not worker.id_number_hash:
        raise ValidationError({"id_number": "请填写身份证号。"})
    worker.full_clean(exclude=["id_number_encrypted", "id_number_hash"])
    uploads_sanitise(worker)
    try:
        with transaction.atomic():
            audited_save(worker, actor=actor)
    except IntegrityError:
        # Two staff registering the same person at once: the unique hash decides.
        raise ValidationError({"id_number": "该身份证号已登记在档。"}) from None
    dossier_recompute(worker_ids=[worker.pk])
    worker.refresh_from_db()
    return worker


def worker_reveal_id_number(*, actor, worker: Worker, reason: str, ip_address=None) -> str:
    """The full ID number, for holders of `registry.reveal_id_number`; every reveal is logged."""
    return personal_data_reveal(
        actor=actor,
        subject=worker,
        field="id_number",
        label="身份证号",
        permission="registry.reveal_id_number",
        reason=reason,
        ip_address=ip_address,
    )


@transaction.atomic
def employment_start(
    *, actor, worker: Worker, enterprise: Enterprise, started_on: date, position: str = ""
) -> Employment:
    employment = Employment(
        worker=worker, enterprise=enterprise, started_on=started_on, position=position
    )
    employment.full_clean()
    audited_save(employment, actor=actor)
    dossier_recompute(worker_ids=[worker.pk], enterprise_ids=[enterprise.pk])
    return employment


@transaction.atomic
def employment_end(
    *, actor, employment: Employment, ended_on: date, reason: str = ""
) -> Employment:
    # Lock the row: two staff ending the same employment must not both write history.
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    if not employment.is_current:
        raise ValidationError("该从业经历已于%(date)s结束。", params={"date": employment.ended_on})
    employment.ended_on = ended_on
    employment.end_reason = reason
    employment.full_clean()
    audited_save(employment, actor=actor)
    # The home-service card stops working with the employment.
    cards_revoke_for_employment(actor=actor, employment=employment, reason=REASON_EMPLOYMENT_ENDED)
    dossier_recompute(worker_ids=[employment.worker_id], enterprise_ids=[employment.enterprise_id])
    return employment


@transaction.atomic
def employment_save(*, actor, employment: Employment) -> Employment:
    employment.full_clean()
    audited_save(employment, actor=actor)
    if not employment.is_current:
        # An end date entered in the admin's employment rows ends the card as well.
        cards_revoke_for_employment(
            actor=actor, employment=employment, reason=REASON_EMPLOYMENT_ENDED
        )
    dossier_recompute(worker_ids=[employment.worker_id], enterprise_ids=[employment.enterprise_id])
    return employment


@transaction.atomic
def record_confirm(*, actor, subject: Enterprise | Worker) -> None:
    """Staff confirm that a dossier is still true (核实): it stops counting as stale."""
    subject.last_confirmed_at = timezone.now()
    audited_save(subject, actor=actor, update_fields=["last_confirmed_at", "updated_at"])
    if isinstance(subject, Worker):
        dossier_recompute(worker_ids=[subject.pk])
    else:
        dossier_recompute(enterprise_ids=[subject.pk])
