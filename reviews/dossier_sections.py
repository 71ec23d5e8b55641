"""The 服务评价 section of the dossier (档案) page of an enterprise or a worker.

Registered from ReviewsConfig.ready() through registry's extension point, so `registry`
never imports `reviews`.
"""

from registry.dossier import ENTERPRISE, WORKER, DossierSection, register_section

from . import selectors


def _reviews(subject, user) -> dict:
    subject_kwargs = (
        {"worker": subject} if hasattr(subject, "id_number_masked") else {"enterprise": subject}
    )
    return {
        "summary": selectors.review_summary(**subject_kwargs),
        "reviews": selectors.recent_reviews(
            **subject_kwargs, limit=selectors.DOSSIER_REVIEWS, include_hidden=True
        ),
        "limit": selectors.DOSSIER_REVIEWS,
    }


def register() -> None:
    for subject_type in (ENTERPRISE, WORKER):
        register_section(
            DossierSection(
                "service_reviews",
                "服务评价",
                subject_type,
                "reviews/dossier.html",
                _reviews,
                order=90,
                permission="reviews.view_servicereview",
            )
        )
