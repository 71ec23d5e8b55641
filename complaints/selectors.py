"""Reads about complaints shared by the public pages, the admin and (later) the portal."""

import hmac
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.validators import clean_mobile
from credit.selectors import enterprise_search
from registry.models import Enterprise, Worker
from registry.selectors import worker_from_ref, worker_ref  # noqa: F401 - re-exported

from .contact import phone_hash
from .models import Complaint, ComplaintUpdate, Status
from .services.deadlines import DeadlineStatus, deadline_status
from .services.intake import normalise_tracking_number
from .timeline import Audience, TimelineLine, timeline_for

ENTERPRISE_CANDIDATES = 8


def complaint_for_tracking(tracking_number: str, phone: str) -> Complaint | None:
    """The case only for the right number *and* the right mobile; any other combination
    gives None, the same answer whether the number exists or not."""
    number = normalise_tracking_number(tracking_number)
    try:
        mobile = clean_mobile(phone)
    except ValidationError:
        return None
    complaint = (
        Complaint.objects.select_related("enterprise", "township", "worker")
        .filter(tracking_number=number)
        .first()
    )
    if complaint is None or not hmac.compare_digest(complaint.phone_hash, phone_hash(mobile)):
        return None
    return complaint


def _public_updates(complaint: Complaint) -> list[ComplaintUpdate]:
    return list(
        complaint.updates.filter(visibility=ComplaintUpdate.Visibility.PUBLIC).order_by(
            "created_at", "id"
        )
    )


def public_timeline(complaint: Complaint, audience: Audience) -> list[TimelineLine]:
    """The public lines of the case, worded for `audience` (the resident, the enterprise)."""
    return timeline_for(_public_updates(complaint), audience)


@dataclass(frozen=True)
class TrackingView:
    complaint: Complaint
    timeline: list[TimelineLine]
    deadline: DeadlineStatus
    can_rate: bool
    answer_amended: bool


def tracking_view(complaint: Complaint) -> TrackingView:
    """What the resident sees, the enterprise's answer included: it is shown as soon as the
    enterprise gives it (no review step; officers see it at the same time in the admin)."""
    updates = _public_updates(complaint)
    return TrackingView(
        complaint=complaint,
        timeline=timeline_for(updates, Audience.RESIDENT),
        answer_amended=any(u.event == "answer_amended" for u in updates),
        deadline=deadline_status(complaint, timezone.localdate()),
        can_rate=complaint.status == Status.CLOSED and complaint.satisfaction is None,
    )


def enterprise_candidates(query: str) -> list[Enterprise]:
    """Registered enterprises a resident may mean by `query` (name or 统一社会信用代码)."""
    if len((query or "").strip()) < 2:
        return []
    return list(enterprise_search(query)[:ENTERPRISE_CANDIDATES])


def current_employer(worker: Worker) -> Enterprise | None:
    employment = (
        worker.employments.current().select_related("enterprise").order_by("-started_on").first()
    )
    return employment.enterprise if employment else None


def complaints_for_enterprise(enterprise: Enterprise) -> QuerySet[Complaint]:
    """For the portal: the enterprise's cases, newest first (never the complainant's phone)."""
    return (
        Complaint.objects.filter(enterprise=enterprise)
        .select_related("worker", "township")
        .defer("phone_encrypted", "phone_hash")
        .order_by("-received_at")
    )


def officers():
    """Staff who may be assigned cases: active staff holding the change permission."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    perm = {"content_type__app_label": "complaints", "codename": "change_complaint"}
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(**{f"user_permissions__{k}": v for k, v in perm.items()})
            | Q(**{f"groups__permissions__{k}": v for k, v in perm.items()})
        )
        .distinct()
        .order_by("username")
    )
