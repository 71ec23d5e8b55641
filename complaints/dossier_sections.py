"""The 投诉记录 section of an enterprise's or a worker's dossier (档案).

Registered from ComplaintsConfig.ready() through registry's extension point, so `registry`
never imports `complaints`. The complainant's contact details are not shown here.
"""

from django.db.models import Count, Q, Window

from registry.dossier import ENTERPRISE, WORKER, DossierSection, register_section

from .models import Complaint

DOSSIER_COMPLAINTS = 20


def _lists(subject, user) -> dict:
    field = "worker" if hasattr(subject, "id_number_masked") else "enterprise"
    return {
        # The latest cases, each carrying the subject's totals (window counts over all its
        # cases, before the slice): the list and the counts are one read.
        "complaints": Complaint.objects.filter(**{field: subject})
        .select_related("enterprise", "worker")
        .only(
            "tracking_number",
            "received_at",
            "category",
            "case_type",
            "report_category",
            "status",
            "substantiated",
            "deadline_state",
            "enterprise__name",
            "enterprise_text",
            "worker__name",
        )
        .annotate(
            cases_total=Window(Count("pk")),
            cases_substantiated=Window(Count("pk", filter=Q(substantiated=True))),
        )
        .order_by("-received_at")[:DOSSIER_COMPLAINTS]
    }


def _complaints(subject, user, rows) -> dict:
    complaints = rows["complaints"]
    first = complaints[0] if complaints else None
    return {
        "complaints": complaints,
        "total": first.cases_total if first else 0,
        "substantiated": first.cases_substantiated if first else 0,
        "limit": DOSSIER_COMPLAINTS,
    }


def register() -> None:
    for subject_type in (ENTERPRISE, WORKER):
        register_section(
            DossierSection(
                "complaints",
                "投诉记录",
                subject_type,
                "complaints/complaint_dossier.html",
                _complaints,
                order=85,
                permission="complaints.view_complaint",
                lists=_lists,
            )
        )
