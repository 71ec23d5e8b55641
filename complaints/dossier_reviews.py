"""The 服务评价 section of the dossier (档案) page of an enterprise or a worker.

Registered from ComplaintsConfig.ready() through registry's extension point, so `registry`
never imports `complaints`.
"""

from registry.dossier import ENTERPRISE, WORKER, DossierSection, register_section

from . import selectors_reviews


def _reviews(subject, user) -> dict:
    subject_kwargs = (
        {"worker": subject} if hasattr(subject, "id_number_masked") else {"enterprise": subject}
    )
    return {
        "summary": selectors_reviews.review_summary(**subject_kwargs),
        "reviews": selectors_reviews.recent_reviews(
            **subject_kwargs, limit=selectors_reviews.DOSSIER_REVIEWS, include_hidden=True
        ),
        "limit": selectors_reviews.DOSSIER_REVIEWS,
    }


def register() -> None:
    for subject_type in (ENTERPRISE, WORKER):
        register_section(
            DossierSection(
                "service_reviews",
                "服务评价",
                subject_type,
                "complaints/review_dossier.html",
                _reviews,
                order=90,
                permission="complaints.view_servicereview",
            )
        )
