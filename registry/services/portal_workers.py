"""What an enterprise does about its workers through the portal: take one on (linking the
existing dossier when the ID number is already registered), and upload a health
certificate or a training record, which count only once staff have verified them."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.validators import clean_id_number

from ..fast_track import review_target_apply
from ..models import Employment, Enterprise, HealthCertificate, TrainingRecord, Worker
from .documents import record_save
from .subjects import employment_start, worker_find_by_id_number, worker_save


@dataclass(frozen=True)
class WorkerAdded:
    worker: Worker
    employment: Employment
    linked: bool  # True when the worker's dossier already existed


def _not_in_future(value: date, field: str, label: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天。"})


@transaction.atomic
def portal_worker_add(
    *,
    actor,
    enterprise: Enterprise,
    name: str,
    id_number: str,
    started_on: date,
    phone: str = "",
    position: str = "",
    ethnicity: str = "",
) -> WorkerAdded:
    """Take a worker on. A person already in the register (same ID number) keeps the one
    dossier: a new employment is linked to it instead of a duplicate being created."""
    name = name.strip()
    try:
        identity = clean_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    _not_in_future(started_on, "started_on", "入职日期")
    worker = worker_find_by_id_number(identity.number)
    linked = worker is not None
    if linked:
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
        if worker.name != name:
            raise ValidationError(
                {"name": "姓名与该身份证号在档案中登记的姓名不一致，请核对身份证。"}
            )
        if Employment.objects.current().filter(worker=worker, enterprise=enterprise).exists():
            raise ValidationError({"id_number": "该人员已是本企业的在职人员，无需重复添加。"})
    else:
        worker = Worker(name=name)
        if ethnicity:
            worker.ethnicity = ethnicity
        worker = worker_save(actor=actor, worker=worker, id_number=identity.number, phone=phone)
    employment = employment_start(
        actor=actor,
        worker=worker,
        enterprise=enterprise,
        started_on=started_on,
        position=position.strip(),
    )
    return WorkerAdded(worker=worker, employment=employment, linked=linked)


def _current(employment: Employment) -> Employment:
    current = Employment.objects.select_related("worker").get(pk=employment.pk)
    if not current.is_current:
        raise ValidationError("该人员已离职，不能再为其上传材料。")
    return current


@transaction.atomic
def portal_health_certificate_add(
    *,
    actor,
    employment: Employment,
    number: str,
    issuer: str,
    valid_from: date,
    valid_to: date,
    scan,
) -> HealthCertificate:
    """A health certificate uploaded by the employer; unverified until staff check it."""
    employment = _current(employment)
    if not scan:
        raise ValidationError({"scan": "请上传健康证扫描件或照片。"})
    _not_in_future(valid_from, "valid_from", "发证日期")
    certificate = HealthCertificate(
        worker=employment.worker,
        number=number.strip(),
        issuer=issuer.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        scan=scan,
        verified=False,
    )
    review_target_apply(certificate, employment.enterprise_id)
    return record_save(actor=actor, record=certificate)


@transaction.atomic
def portal_training_add(
    *,
    actor,
    employment: Employment,
    course: str,
    provider: str,
    hours,
    completed_on: date,
    certificate,
) -> TrainingRecord:
    """A training record uploaded by the employer; unverified until staff check it."""
    employment = _current(employment)
    if not certificate:
        raise ValidationError({"certificate": "请上传结业证书扫描件或照片。"})
    _not_in_future(completed_on, "completed_on", "结业日期")
    record = TrainingRecord(
        worker=employment.worker,
        course=course.strip(),
        provider=provider.strip(),
        hours=hours,
        completed_on=completed_on,
        certificate=certificate,
        verified=False,
    )
    review_target_apply(record, employment.enterprise_id)
    return record_save(actor=actor, record=record)
