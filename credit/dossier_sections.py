"""The credit app's sections of the dossier (档案) page: the credit file, the ratings and an
enterprise's credit reports (with the button that issues one).

Registered from CreditConfig.ready() through registry's extension point, so `registry`
never imports `credit`.
"""

from django.db.models import Count, Window

from registry.dossier import ENTERPRISE, WORKER, DossierSection, register_section

from . import selectors
from .models import CreditReport

DOSSIER_REPORTS = 10


def _credit_file_lists(subject, user) -> dict:
    return {"events": selectors.credit_file_events(subject)}


def _credit_file(subject, user, rows) -> dict:
    credit_file = selectors.credit_file_from(rows["events"])
    return {
        "rows": credit_file.rows,
        "truncated": credit_file.truncated,
        "limit": selectors.DOSSIER_EVENTS,
    }


def _ratings_lists(subject, user) -> dict:
    return {
        "ratings": selectors.subject_ratings(subject),
        "indicators": selectors.latest_rating_indicators(subject),
    }


def _ratings(subject, user, rows) -> dict:
    ratings = rows["ratings"]
    latest = ratings[0] if ratings else None
    return {
        "ratings": ratings,
        "latest_explanation": (
            selectors.rating_explanation(latest, indicators=rows["indicators"]) if latest else None
        ),
    }


def _reports_lists(subject, user) -> dict:
    return {
        # Each report carries the enterprise's number of reports (a window count), so the
        # list knows whether there are more without a query of its own.
        "reports": CreditReport.objects.filter(enterprise=subject)
        .defer("content")
        .select_related("issued_by")
        .annotate(reports_total=Window(Count("pk")))[:DOSSIER_REPORTS]
    }


def _reports(subject, user, rows) -> dict:
    reports = rows["reports"]
    return {
        "reports": reports,
        "more_reports": bool(reports) and reports[0].reports_total > DOSSIER_REPORTS,
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
                lists=_credit_file_lists,
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
                lists=_ratings_lists,
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
            lists=_reports_lists,
        )
    )
