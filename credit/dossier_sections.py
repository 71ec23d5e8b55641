"""The credit app's sections of the dossier (档案) page: the credit file, the ratings and an
enterprise's credit reports (with the button that issues one).

Registered from CreditConfig.ready() through registry's extension point, so `registry`
never imports `credit`.
"""

from registry.dossier import ENTERPRISE, WORKER, DossierSection, register_section

from . import selectors
from .models import CreditReport

DOSSIER_REPORTS = 10


def _credit_file(subject, user) -> dict:
    credit_file = selectors.credit_file_for(subject)
    return {
        "rows": credit_file.rows,
        "truncated": credit_file.truncated,
        "limit": selectors.DOSSIER_EVENTS,
    }


def _ratings(subject, user) -> dict:
    ratings = selectors.ratings_for(subject)
    latest = ratings[0] if ratings else None
    return {
        "ratings": ratings,
        "latest_explanation": selectors.rating_explanation(latest) if latest else None,
    }


def _reports(subject, user) -> dict:
    reports = CreditReport.objects.filter(enterprise=subject).defer("content")
    return {
        "reports": list(reports.select_related("issued_by")[:DOSSIER_REPORTS]),
        "more_reports": reports.count() > DOSSIER_REPORTS,
        "enterprise": subject,
        "can_issue": user.has_perm("credit.add_creditreport"),
    }


def register() -> None:
    base = "credit/dossier/"
    for subject_type in (ENTERPRISE, WORKER):
        register_section(
            DossierSection(
                "credit_file",
                "信用记录",
                subject_type,
                base + "credit_file.html",
                _credit_file,
                order=70,
                permission="credit.view_creditevent",
            )
        )
        register_section(
            DossierSection(
                "ratings",
                "信用评价",
                subject_type,
                base + "ratings.html",
                _ratings,
                order=80,
                permission="credit.view_rating",
            )
        )
    register_section(
        DossierSection(
            "credit_reports",
            "信用报告",
            ENTERPRISE,
            base + "credit_reports.html",
            _reports,
            order=85,
            permission="credit.view_creditreport",
        )
    )
