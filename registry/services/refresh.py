"""The periodic record refresh (and the single-subject recompute after each write).

Everything here is set-based and chunked by primary-key range, so it runs in constant
memory whatever the size of the registers, and it is idempotent: a second run on the same
day changes nothing and sends nothing.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone

from core.notifications import send_email, send_sms
from core.outbox import outbox_enqueue, outbox_register
from core.sql import jit_off
from core.validators import MOBILE_RE

from ..completeness import (
    ENTERPRISE_ITEMS,
    WORKER_ITEMS,
    Scope,
    completeness_expression,
    enterprise_document_status,
    enterprise_item_conditions,
    mask_expression,
    worker_document_status,
    worker_item_conditions,
)
from ..models import (
    DocumentNotice,
    Employment,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    Validity,
    Worker,
    current_employment,
)

logger = logging.getLogger(__name__)

CHUNK_SIZE = 5_000
DOCUMENT_MODELS = (EnterpriseQualification, HealthCertificate)


@dataclass
class RefreshReport:
    documents_changed: int = 0
    enterprises_updated: int = 0
    workers_updated: int = 0
    notices_sent: int = 0
    by_validity: dict[str, int] = field(default_factory=dict)


def _id_ranges(queryset, chunk_size: int):
    bounds = queryset.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    low = bounds["low"]
    while low <= bounds["high"]:
        yield low, low + chunk_size
        low += chunk_size


def documents_validity_refresh(*, today: date, chunk_size: int = CHUNK_SIZE) -> int:
    """Recompute the stored validity of every document; only changed rows are written."""
    warning = today + timedelta(days=settings.DOCUMENT_EXPIRY_WARNING_DAYS)
    rules = (
        (Validity.EXPIRED, Q(valid_to__lt=today)),
        (Validity.EXPIRING, Q(valid_to__gte=today, valid_to__lte=warning)),
        (Validity.VALID, Q(valid_to__isnull=True) | Q(valid_to__gt=warning)),
    )
    changed = 0
    for model in DOCUMENT_MODELS:
        for low, high in _id_ranges(model.objects.all(), chunk_size):
            chunk = model.objects.filter(pk__gte=low, pk__lt=high)
            for status, condition in rules:
                changed += chunk.filter(condition).exclude(validity=status).update(validity=status)
    return changed


def _subject_refresh(model, items, conditions, status_expression, scope: Scope) -> int:
    """One UPDATE for the subjects in `scope`, touching only rows whose values change."""
    queryset = model.objects.filter(scope.subjects())
    stale_cutoff = timezone.now() - timedelta(days=settings.RECORD_STALE_AFTER_DAYS)
    is_stale = Q(last_confirmed_at__lt=stale_cutoff) | Q(
        last_confirmed_at__isnull=True, created_at__lt=stale_cutoff
    )
    new_values = {
        "missing_mask": mask_expression(items, conditions),
        "completeness": completeness_expression(items, conditions),
        "document_status": status_expression,
    }
    pending = queryset.alias(**{f"new_{name}": value for name, value in new_values.items()})
    differs = Q()
    for name in new_values:
        differs |= ~Q(**{name: F(f"new_{name}")})
    ids = list(pending.filter(differs).order_by().values_list("pk", flat=True))
    updated = 0
    if ids:
        updated = model.objects.filter(pk__in=ids).update(**new_values)
    # Staleness is a plain column comparison: flip only the rows that change.
    queryset.filter(is_stale).exclude(is_stale=True).update(is_stale=True)
    queryset.exclude(is_stale).exclude(is_stale=False).update(is_stale=False)
    return updated


def enterprises_refresh(scope: Scope, *, today: date) -> int:
    return _subject_refresh(
        Enterprise,
        ENTERPRISE_ITEMS,
        enterprise_item_conditions(today, scope),
        enterprise_document_status(today, scope),
        scope,
    )


def workers_refresh(scope: Scope, *, today: date) -> int:
    return _subject_refresh(
        Worker,
        WORKER_ITEMS,
        worker_item_conditions(today, scope),
        worker_document_status(today, scope),
        scope,
    )


def dossier_recompute(*, enterprise_ids=(), worker_ids=(), today: date | None = None) -> None:
    """Recompute the derived dossier columns of a few subjects right after a write."""
    today = today or timezone.localdate()
    if worker_ids:
        worker_ids = tuple(worker_ids)
        workers_refresh(Scope(ids=worker_ids), today=today)
        enterprise_ids = set(enterprise_ids) | set(
            Employment.objects.filter(worker_id__in=worker_ids).values_list(
                "enterprise_id", flat=True
            )
        )
    if enterprise_ids:
        enterprises_refresh(Scope(ids=tuple(enterprise_ids)), today=today)


def _notice_text(enterprise: Enterprise, lines: list[str]) -> str:
    listing = "\n".join(f"  - {line}" for line in lines)
    return (
        f"{enterprise.name}：\n以下证件将在{settings.DOCUMENT_EXPIRY_WARNING_DAYS}天内到期，"
        f"请及时办理换证并在企业端上传新证件：\n{listing}\n"
        "—— 舟曲县工业和信息化和商务局 信易+家政信用管理平台"
    )


def expiring_documents_notify(*, today: date) -> int:
    """Tell each enterprise once about its documents (and its staff's) entering the
    warning window; a document is announced once per expiry date."""
    by_enterprise: dict[int, list[str]] = defaultdict(list)
    qualification_ids: dict[int, list[int]] = defaultdict(list)
    health_ids: dict[int, list[int]] = defaultdict(list)

    qualifications = EnterpriseQualification.objects.filter(
        validity=Validity.EXPIRING, verified=True, expiry_notified_at__isnull=True
    ).values_list("pk", "enterprise_id", "kind", "valid_to")
    for pk, enterprise_id, kind, valid_to in qualifications.iterator(chunk_size=2000):
        label = EnterpriseQualification.Kind(kind).label
        by_enterprise[enterprise_id].append(f"{label}，有效期至{valid_to:%Y年%m月%d日}")
        qualification_ids[enterprise_id].append(pk)

    certificates = (
        HealthCertificate.objects.filter(
            validity=Validity.EXPIRING, verified=True, expiry_notified_at__isnull=True
        )
        # Both conditions in one filter() share the join: a current employment. (Alone,
        # ended_on__isnull would also match workers with no employment at all.)
        .filter(current_employment("worker__employments__"), worker__employments__isnull=False)
        .values_list("pk", "worker__employments__enterprise_id", "worker__name", "valid_to")
    )
    for pk, enterprise_id, worker_name, valid_to in certificates.iterator(chunk_size=2000):
        by_enterprise[enterprise_id].append(
            f"从业人员{worker_name}的健康证，有效期至{valid_to:%Y年%m月%d日}"
        )
        health_ids[enterprise_id].append(pk)

    sent = 0
    enterprises = Enterprise.objects.in_bulk(list(by_enterprise))
    now = timezone.now()
    for enterprise_id, lines in by_enterprise.items():
        enterprise = enterprises[enterprise_id]
        notices = []
        if enterprise.email:
            notices.append(
                DocumentNotice(
                    enterprise=enterprise,
                    channel=DocumentNotice.Channel.EMAIL,
                    recipient=enterprise.email,
                    subject="证照到期提醒",
                    body=_notice_text(enterprise, lines),
                )
            )
        if MOBILE_RE.match(enterprise.phone):
            notices.append(
                DocumentNotice(
                    enterprise=enterprise,
                    channel=DocumentNotice.Channel.SMS,
                    recipient=enterprise.phone,
                    body=f"{enterprise.name}有{len(lines)}项证件即将到期，"
                    "请登录企业端查看并及时换证。",
                )
            )
        with transaction.atomic():
            created = DocumentNotice.objects.bulk_create(notices)
            EnterpriseQualification.objects.filter(pk__in=qualification_ids[enterprise_id]).update(
                expiry_notified_at=now
            )
            HealthCertificate.objects.filter(pk__in=health_ids[enterprise_id]).update(
                expiry_notified_at=now
            )
            outbox_enqueue(NOTICES, [notice.pk for notice in created])
        sent += 1
    return sent


def _notice_send(notice: DocumentNotice) -> None:
    if notice.channel == DocumentNotice.Channel.EMAIL:
        send_email(notice.recipient, notice.subject or "信易+家政通知", notice.body)
    else:
        send_sms(notice.recipient, notice.body)


NOTICES = outbox_register(
    DocumentNotice,
    send=_notice_send,
    max_attempts=5,
    sms=Q(channel=DocumentNotice.Channel.SMS),
)


def records_refresh(*, today: date | None = None, chunk_size: int = CHUNK_SIZE) -> RefreshReport:
    """The daily refresh: document validity, dossier completeness, stale flags, notices."""
    today = today or timezone.localdate()
    report = RefreshReport()
    report.documents_changed = documents_validity_refresh(today=today, chunk_size=chunk_size)
    for low, high in _id_ranges(Enterprise.objects.all(), chunk_size):
        with transaction.atomic():
            jit_off()
            report.enterprises_updated += enterprises_refresh(Scope(low, high), today=today)
    for low, high in _id_ranges(Worker.objects.all(), chunk_size):
        with transaction.atomic():
            jit_off()
            report.workers_updated += workers_refresh(Scope(low, high), today=today)
    report.notices_sent = expiring_documents_notify(today=today)
    from .ledger import ledger_imports_fail_stalled  # ledger imports this module

    ledger_imports_fail_stalled()
    logger.info("records refreshed: %s", report)
    return report
