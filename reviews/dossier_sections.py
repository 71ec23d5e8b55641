"""The 服务评价 section of the dossier (档案) page of an enterprise or a worker.

Registered from ReviewsConfig.ready() through registry's extension point, so `registry`
never imports `reviews`.
"""

from registry.dossier import ENTERPRISE, WORKER, DossierSection, register_section

from . import selectors


def _subject(subject) -> dict:
    return {"worker": subject} if hasattr(subject, "id_number_masked") else {"enterprise": subject}


def _lists(subject, user) -> dict:
    return {"reviews": selectors.dossier_reviews(**_subject(subject))}


def _reviews(subject, user, rows) -> dict:
    return {
        "summary": selectors.dossier_review_summary(rows["reviews"]),
        "reviews": rows["reviews"],
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
                lists=_lists,
            )
        )
