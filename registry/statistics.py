"""Register statistics (登记统计) for the bureau's dashboard and the home page: counts made in
the database, a fixed number of queries each."""

from django.db.models import Count, Q

from .models import (
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    Validity,
    Worker,
)


def register_counts() -> dict[str, dict[str, int]]:
    """Registered enterprises and workers, and those whose dossier is complete (two queries)."""
    counts = {}
    for key, model in (("enterprises", Enterprise), ("workers", Worker)):
        counts[key] = model.objects.aggregate(
            total=Count("id"), complete=Count("id", filter=Q(completeness=100))
        )
    return counts


def subject_totals() -> dict[str, int]:
    """Registered enterprises and workers (two queries)."""
    return {"enterprises": Enterprise.objects.count(), "workers": Worker.objects.count()}


def document_validity_counts() -> dict[str, dict[str, int]]:
    """Enterprise licences ("qualifications") and health certificates expiring soon or
    expired (two queries)."""
    counts = {}
    for key, model in (
        ("qualifications", EnterpriseQualification),
        ("health_certificates", HealthCertificate),
    ):
        counts[key] = model.objects.aggregate(
            expiring=Count("id", filter=Q(validity=Validity.EXPIRING)),
            expired=Count("id", filter=Q(validity=Validity.EXPIRED)),
        )
    return counts
