"""The 投诉记录 section of an enterprise's or a worker's dossier (档案).

Registered from ComplaintsConfig.ready() through registry's extension point, so `registry`
never imports `complaints`. The complainant's contact details are not shown here.
"""

from registry.dossier import ENTERPRISE, WORKER, DossierSection, register_section

from .models import Complaint

DOSSIER_COMPLAINTS = 20


def _complaints(subject, user) -> dict:
    field = "worker" if hasattr(subject, "id_number_masked") else "enterprise"
    cases = Complaint.objects.filter(**{field: subject})
    return {
        "complaints": list(
            cases.select_related("enterprise", "worker")
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
            .order_by("-received_at")[:DOSSIER_COMPLAINTS]
        ),
        "total": cases.count(),
        "substantiated": cases.filter(substantiated=True).count(),
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
            )
        )
