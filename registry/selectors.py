"""Reads shared by the dossier pages, the admin, exports and later the portal."""

from dataclasses import dataclass
from datetime import date

from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from .completeness import ENTERPRISE_ITEMS, WORKER_ITEMS, missing_labels
from .models import (
    BackgroundCheck,
    Employment,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    PublicNameConsent,
    ServiceCategory,
    ServiceOffering,
    SkillCertificate,
    TrainingRecord,
    Validity,
    Worker,
    validity_for,
)


def enterprise_dossier_relations() -> dict[str, QuerySet]:
    """The enterprise's related lists its dossier shows, each in its order (not yet filtered
    to one enterprise): read with prefetch_related() or, on the dossier page, in the one
    query that reads every section's lists (registry.dossier)."""
    return {
        "qualifications": EnterpriseQualification.objects.order_by("kind", "-valid_to"),
        "offerings": ServiceOffering.objects.select_related("category").order_by(
            "category__sort_order"
        ),
        "employments": Employment.objects.select_related("worker").order_by(
            "ended_on", "-started_on"
        ),
    }


def worker_dossier_relations() -> dict[str, QuerySet]:
    """The worker's related lists its dossier shows (see enterprise_dossier_relations)."""
    return {
        "employments": Employment.objects.select_related("enterprise").order_by("-started_on"),
        "health_certificates": HealthCertificate.objects.order_by("-valid_to"),
        "background_checks": BackgroundCheck.objects.order_by("-checked_on"),
        "trainings": TrainingRecord.objects.all(),
        "skills": SkillCertificate.objects.all(),
    }


def worker_for_dossier(worker_id: int) -> Worker:
    return (
        Worker.objects.select_related("township")
        .prefetch_related(
            *(Prefetch(name, queryset=qs) for name, qs in worker_dossier_relations().items())
        )
        .get(pk=worker_id)
    )


@dataclass(frozen=True)
class DocumentRow:
    label: str
    document: object | None
    status: str

    @property
    def status_label(self) -> str:
        return Validity(self.status).label


def qualification_rows(enterprise: Enterprise, today: date | None = None) -> list[DocumentRow]:
    """Every qualification with its live status, and a 'missing' row when no licence exists."""
    today = today or timezone.localdate()
    rows = [
        DocumentRow(q.name or q.get_kind_display(), q, validity_for(q.valid_to, today))
        for q in enterprise.qualifications.all()
    ]
    if not any(
        q.kind == EnterpriseQualification.Kind.BUSINESS_LICENCE
        for q in enterprise.qualifications.all()
    ):
        rows.insert(0, DocumentRow(gettext("营业执照"), None, Validity.MISSING))
    return rows


def health_certificate_rows(worker: Worker, today: date | None = None) -> list[DocumentRow]:
    today = today or timezone.localdate()
    rows = [
        DocumentRow("健康证", c, validity_for(c.valid_to, today))
        for c in worker.health_certificates.all()
    ]
    return rows or [DocumentRow("健康证", None, Validity.MISSING)]


def enterprise_missing_items(enterprise: Enterprise) -> list[str]:
    return missing_labels(ENTERPRISE_ITEMS, enterprise.missing_mask)


def worker_missing_items(worker: Worker) -> list[str]:
    return missing_labels(WORKER_ITEMS, worker.missing_mask)


def current_employment(worker: Worker) -> Employment | None:
    return next((e for e in worker.employments.all() if e.is_current), None)


def enterprises_expiring_documents(today: date | None = None) -> QuerySet:
    return Enterprise.objects.filter(
        document_status__in=[Validity.EXPIRING, Validity.EXPIRED]
    ).select_related("township")


WORKER_REF_SALT = "registry.worker-ref"


def worker_ref(worker: Worker) -> str:
    """A signed reference to a worker for the links of the verification page (rate, complain),
    so that the public forms cannot be used to walk through worker ids."""
    return signing.dumps(worker.pk, salt=WORKER_REF_SALT, compress=True)


def worker_from_ref(ref: str) -> Worker | None:
    try:
        pk = signing.loads(ref or "", salt=WORKER_REF_SALT)
    except signing.BadSignature:
        return None
    return Worker.objects.filter(pk=pk).first()


def published_service_standards() -> QuerySet:
    """The standard service items the bureau publishes (服务标准与指导价): what each includes
    (its standard process), the commitments and the guide price range, in catalogue order."""
    return ServiceCategory.objects.filter(is_active=True).order_by("sort_order", "name")


def published_prices(enterprise: Enterprise) -> list[ServiceOffering]:
    """The prices `enterprise` publishes (服务项目及价格) for the active standard items, with
    each item's guide range, in catalogue order."""
    return list(
        ServiceOffering.objects.filter(
            enterprise=enterprise, is_active=True, category__is_active=True
        )
        .select_related("category")
        .order_by("category__sort_order", "category__name")
    )


def published_price(
    enterprise: Enterprise | None, category: ServiceCategory
) -> ServiceOffering | None:
    """The price `enterprise` publishes for `category`, if it offers it."""
    if enterprise is None:
        return None
    return ServiceOffering.objects.filter(
        enterprise=enterprise, category=category, is_active=True
    ).first()


def public_name_consenting(worker_ids) -> set[int]:
    """Of `worker_ids`, those who currently agree that the honour roll and posters show
    their full name and photo (one query)."""
    return set(
        PublicNameConsent.objects.current()
        .filter(worker_id__in=list(worker_ids))
        .values_list("worker_id", flat=True)
    )
