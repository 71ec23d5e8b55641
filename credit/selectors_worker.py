"""The worker's own record (/workers/): what the register and the credit file hold about
the signed-in worker, composed for their summary page."""

from dataclasses import dataclass

from django.utils import timezone

from registry.models import Employment, Worker, WorkerCard
from registry.selectors import (
    DocumentRow,
    current_employment,
    health_certificate_rows,
    public_name_consenting,
    worker_for_dossier,
)

from .models import CreditEvent, Objection, Rating, RepairRequest
from .selectors import DOSSIER_EVENTS, CreditFileRow, visible_ratings


@dataclass(frozen=True)
class WorkerRecord:
    worker: Worker
    employment: Employment | None
    health_certificates: list[DocumentRow]
    card: WorkerCard | None  # the latest card issued, valid or not
    ratings: list[Rating]
    events: list[CreditFileRow]
    objections: list[Objection]
    repairs: list[RepairRequest]
    consented: bool


def worker_ratings(worker: Worker):
    return visible_ratings().filter(worker=worker).defer("explanation")


def worker_events(worker: Worker):
    return CreditEvent.objects.filter(worker=worker)


def worker_record(worker: Worker) -> WorkerRecord:
    today = timezone.localdate()
    worker = worker_for_dossier(worker.pk)
    return WorkerRecord(
        worker=worker,
        employment=current_employment(worker),
        health_certificates=health_certificate_rows(worker, today),
        card=WorkerCard.objects.filter(worker=worker)
        .select_related("employment__enterprise")
        .order_by("-issued_at")
        .first(),
        ratings=list(worker_ratings(worker).order_by("-year")),
        events=[
            CreditFileRow(event, event.status == CreditEvent.Status.ACTIVE)
            for event in worker_events(worker)
            .within_disclosure(today)
            .defer("description", "evidence")
            .order_by("-occurred_on", "-id")[:DOSSIER_EVENTS]
        ],
        objections=list(
            Objection.objects.filter(rating__worker=worker)
            .select_related("rating")
            .order_by("-submitted_at")
        ),
        repairs=list(
            RepairRequest.objects.filter(event__worker=worker)
            .select_related("event")
            .order_by("-submitted_at")
        ),
        consented=worker.pk in public_name_consenting([worker.pk]),
    )
