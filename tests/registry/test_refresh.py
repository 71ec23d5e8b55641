import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.notifications import MemorySmsBackend
from core.outbox import outbox_deliver, outbox_drain
from registry.models import DocumentNotice, Enterprise, HealthCertificate, Validity, Worker
from registry.services import records_refresh
from registry.services.refresh import CHUNK_SIZE, NOTICES
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
    QualificationFactory,
    ServiceOfferingFactory,
    SkillFactory,
    TrainingFactory,
    WorkerFactory,
)

TODAY = datetime.date(2025, 10, 8)


@pytest.fixture(autouse=True)
def _memory_sms(settings):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()


def complete_worker(enterprise, **health):
    worker = WorkerFactory(photo="workers/photos/x.jpg", last_confirmed_at=timezone.now())
    EmploymentFactory(worker=worker, enterprise=enterprise)
    HealthCertificateFactory(worker=worker, **health)
    BackgroundCheckFactory(worker=worker)
    TrainingFactory(worker=worker)
    SkillFactory(worker=worker)
    return worker


@pytest.mark.django_db
def test_refresh_flags_validity_completeness_and_staleness():
    enterprise = EnterpriseFactory(last_confirmed_at=timezone.now())
    QualificationFactory(enterprise=enterprise)
    ServiceOfferingFactory(enterprise=enterprise)
    good = complete_worker(enterprise, valid_to=datetime.date(2026, 10, 1))
    expiring = complete_worker(enterprise, valid_to=TODAY + datetime.timedelta(days=30))
    expired = complete_worker(enterprise, valid_to=TODAY - datetime.timedelta(days=1))
    bare = WorkerFactory(phone="")
    Worker.objects.filter(pk=bare.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )

    records_refresh(today=TODAY)

    states = dict(Worker.objects.values_list("pk", "document_status"))
    assert states[good.pk] == Validity.VALID
    assert states[expiring.pk] == Validity.EXPIRING
    assert states[expired.pk] == Validity.EXPIRED
    assert states[bare.pk] == Validity.MISSING
    good.refresh_from_db()
    bare.refresh_from_db()
    assert good.completeness == 100 and good.missing_mask == 0
    assert bare.completeness == 0
    assert bare.is_stale is True and good.is_stale is False
    # One member of staff has an expired certificate: the enterprise is incomplete there.
    enterprise.refresh_from_db()
    assert enterprise.document_status == Validity.VALID
    assert enterprise.completeness == 83  # 5 of 6 items
    assert HealthCertificate.objects.get(worker=expired).validity == Validity.EXPIRED


@pytest.mark.django_db
def test_refresh_is_idempotent_and_notifies_once(django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory(email="boss@example.com")
    QualificationFactory(enterprise=enterprise, valid_to=TODAY + datetime.timedelta(days=10))
    complete_worker(enterprise, valid_to=TODAY + datetime.timedelta(days=5))

    with django_capture_on_commit_callbacks(execute=True):
        first = records_refresh(today=TODAY)
    snapshot = list(Worker.objects.values_list("pk", "completeness", "document_status", "is_stale"))
    with django_capture_on_commit_callbacks(execute=True):
        second = records_refresh(today=TODAY)

    assert first.notices_sent == 1
    assert second.notices_sent == 0
    assert second.documents_changed == 0
    assert second.workers_updated == 0 and second.enterprises_updated == 0
    assert snapshot == list(
        Worker.objects.values_list("pk", "completeness", "document_status", "is_stale")
    )
    assert len(mail.outbox) == 1
    assert "营业执照" in mail.outbox[0].body and "健康证" in mail.outbox[0].body
    assert len(MemorySmsBackend.outbox) == 1
    assert DocumentNotice.objects.filter(enterprise=enterprise).count() == 2
    assert set(DocumentNotice.objects.values_list("status", flat=True)) == {"sent"}
    assert Enterprise.objects.get().document_status == Validity.EXPIRING


@pytest.mark.django_db
def test_refresh_works_in_chunks_with_constant_query_count():
    enterprise = EnterpriseFactory()
    for _ in range(12):
        complete_worker(enterprise)
    with CaptureQueriesContext(connection) as small:
        records_refresh(today=TODAY, chunk_size=CHUNK_SIZE)
    for _ in range(12):
        complete_worker(enterprise)
    records_refresh(today=TODAY)  # settle
    with CaptureQueriesContext(connection) as larger:
        records_refresh(today=TODAY, chunk_size=CHUNK_SIZE)
    assert len(larger) <= len(small) + 2


@pytest.mark.django_db(transaction=True)
def test_reminders_wait_in_the_outbox_while_the_broker_is_down(broker_down):
    enterprise = EnterpriseFactory(email="boss@example.com")
    QualificationFactory(enterprise=enterprise, valid_to=TODAY + datetime.timedelta(days=10))

    records_refresh(today=TODAY)  # the enqueue fails after commit; nothing is lost

    assert DocumentNotice.objects.filter(status="pending").count() == 2
    assert mail.outbox == []
    DocumentNotice.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert outbox_drain() == 2
    assert DocumentNotice.objects.filter(status="sent").count() == 2
    assert len(mail.outbox) == 1 and len(MemorySmsBackend.outbox) == 1
    assert outbox_drain() == 0  # sent once only


@pytest.mark.django_db
def test_a_failing_gateway_is_retried_then_given_up(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.registry.test_refresh.BrokenMailBackend"
    enterprise = EnterpriseFactory(email="boss@example.com", phone="0941-5123456")
    QualificationFactory(enterprise=enterprise, valid_to=TODAY + datetime.timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        records_refresh(today=TODAY)
    notice = DocumentNotice.objects.get()
    assert notice.status == "pending" and notice.attempts == 1
    assert "ConnectionRefusedError" in notice.last_error
    for _ in range(4):
        outbox_deliver(NOTICES, notice.pk)
    notice.refresh_from_db()
    assert notice.status == "failed" and notice.attempts == 5


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


@pytest.mark.django_db
def test_certificates_of_workers_without_an_employer_are_not_announced(
    django_capture_on_commit_callbacks,
):
    unemployed = WorkerFactory()
    HealthCertificateFactory(worker=unemployed, valid_to=TODAY + datetime.timedelta(days=3))
    former = WorkerFactory()
    EmploymentFactory(worker=former, ended_on=datetime.date(2025, 1, 1))
    HealthCertificateFactory(worker=former, valid_to=TODAY + datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        report = records_refresh(today=TODAY)
    assert report.notices_sent == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_import_whose_worker_died_is_marked_failed_by_the_refresh(admin_user):
    from django.core.files.base import ContentFile

    from registry.models import LedgerImport

    def ledger_import(status, minutes_ago):
        item = LedgerImport.objects.create(
            kind="workers", original_name="台账.xlsx", uploaded_by=admin_user, status=status,
            file=ContentFile(b"x", name="x.bin"),
        )  # fmt: skip
        LedgerImport.objects.filter(pk=item.pk).update(
            last_progress_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
        )
        return item

    stalled = ledger_import("importing", minutes_ago=24 * 60)
    running = ledger_import("importing", minutes_ago=1)
    finished = ledger_import("done", minutes_ago=24 * 60)
    records_refresh(today=TODAY)
    statuses = dict(LedgerImport.objects.values_list("pk", "status"))
    assert statuses == {stalled.pk: "failed", running.pk: "importing", finished.pk: "done"}
    stalled.refresh_from_db()
    assert "请重新上传" in stalled.message
