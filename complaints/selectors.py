"""Reads about complaints shared by the public pages, the admin and (later) the portal."""

import hmac
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.numbers import READABLE_ALPHABET, normalise_number
from core.validators import clean_mobile
from core.workdays import working_days_between
from credit.selectors_lookup import enterprise_search
from registry.models import Enterprise, Worker, WorkerCard

from .contact import phone_hash
from .limits import STAGE_DAYS
from .models import Complaint, ComplaintUpdate, DeadlineState, Stage, Status
from .timeline import Audience, TimelineLine, timeline_for

ENTERPRISE_CANDIDATES = 8
TRACKING_ALPHABET = READABLE_ALPHABET
WARN_AT = 0.7  # share of a stage's limit used when the officer is warned


def normalise_tracking_number(value: str) -> str:
    """What residents type: any case, with spaces or dashes."""
    return normalise_number(value)


# --- Statutory deadlines of an open case -----------------------------------------------------


def stage_started_on(complaint: Complaint) -> date | None:
    moments = {
        Stage.ACCEPTANCE: complaint.received_at,
        Stage.MEDIATION: complaint.decided_at,
        Stage.NOTIFICATION: complaint.mediation_ended_at or complaint.decided_at,
        Stage.INVESTIGATION: complaint.decided_at,
    }
    moment = moments.get(complaint.stage)
    return timezone.localdate(moment) if moment else None


@dataclass(frozen=True)
class DeadlineStatus:
    stage: str | None
    due_on: date | None
    used_days: int
    limit_days: int
    state: str

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label if self.stage else ""


def deadline_status(complaint: Complaint, today: date) -> DeadlineStatus:
    stage, due = complaint.stage, complaint.current_due
    if complaint.status == Status.CLOSED or stage is None or due is None:
        return DeadlineStatus(stage, due, 0, 0, DeadlineState.DONE)
    limit = STAGE_DAYS[Stage(stage)]
    started = stage_started_on(complaint) or today
    used = working_days_between(started, today)
    if today > due:
        state = DeadlineState.OVERDUE
    elif used >= WARN_AT * limit:
        state = DeadlineState.DUE_SOON
    else:
        state = DeadlineState.ON_TIME
    return DeadlineStatus(stage, due, used, limit, state)


def deadline_state_for(complaint: Complaint, today: date) -> str:
    return deadline_status(complaint, today).state


# --- Tracking and candidates ---------------------------------------------------------------


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


# What the acknowledgement page shows of the case just submitted.
ACKNOWLEDGEMENT_FIELDS = ("tracking_number", "case_type", "phone_masked", "acceptance_due")


def acknowledged_complaint(pk: int | None) -> Complaint | None:
    """The case whose acknowledgement page is shown: its number, its kind, the masked phone
    the SMS went to and the acceptance deadline (only those columns are read)."""
    if not pk:
        return None
    return Complaint.objects.only(*ACKNOWLEDGEMENT_FIELDS).filter(pk=pk).first()


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
    charge: list[tuple[str, str]]


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
        charge=charge_summary(complaint),
    )


def _money(amount) -> str:
    """300.00 → 300, 299.50 → 299.5."""
    return format(amount.normalize(), "f")


def charge_summary(complaint: Complaint) -> list[tuple[str, str]]:
    """The charge a complainant gave (乱收费) and how it compares with the published price and
    the guide range at the time, as label/value lines for the tracking page and the admin;
    empty when no charge was given."""
    if complaint.charged_amount is None:
        return []
    unit = complaint.price_unit
    charged = f"{_money(complaint.charged_amount)}元"
    if complaint.charged_quantity is not None:
        per_unit = _money(complaint.charged_unit_price)
        charged += f"（数量{_money(complaint.charged_quantity)}，折合{per_unit} {unit}）"
    lines = [("实际收费", charged)]
    if not complaint.price_finding:
        return lines
    published = complaint.published_price
    lines += [
        ("企业公示价格", f"{_money(published)} {unit}" if published is not None else "未公示"),
        (
            "县指导价",
            f"{_money(complaint.guide_price_min)}–{_money(complaint.guide_price_max)} {unit}",
        ),
        ("收费比对", complaint.get_price_finding_display()),
    ]
    return lines


def enterprise_candidates(query: str) -> list[Enterprise]:
    """Registered enterprises a resident may mean by `query` (name or 统一社会信用代码)."""
    if len((query or "").strip()) < 2:
        return []
    return list(enterprise_search(query)[:ENTERPRISE_CANDIDATES])


def card_named(text: str) -> WorkerCard | None:
    """The home-service card a reporter names: its number, its QR token, or the address the
    QR code opens (…/verify/<token>/), revoked or not (a revoked card shown at a door is
    exactly what is reported)."""
    text = (text or "").strip().rstrip("/")
    if not text or len(text) > 100:
        return None
    token = text.rsplit("/", 1)[-1]
    return (
        WorkerCard.objects.filter(Q(number=text.upper()) | Q(token=token))
        .select_related("worker", "employment__enterprise")
        .first()
    )


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
