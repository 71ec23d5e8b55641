"""Every write about a complaint goes through these functions (reviews: `.reviews`)."""

from .deadlines import complaints_check_deadlines, deadline_status
from .handling import (
    TRANSITIONS,
    ComplaintTransitionError,
    allowed_transitions,
    complaint_accept,
    complaint_assign,
    complaint_close,
    complaint_enterprise_respond,
    complaint_mediation_end,
    complaint_mediation_start,
    complaint_not_accept,
    complaint_note_add,
    complaint_reopen,
    complaint_reopen_problems,
    complaint_satisfaction_rate,
    complaint_severity,
    complaint_substantiation_change,
    complaint_substantiation_problems,
)
from .intake import SubmitResult, complaint_submit, normalise_tracking_number
from .notify import notification_deliver, notifications_drain

__all__ = [
    "TRANSITIONS",
    "ComplaintTransitionError",
    "SubmitResult",
    "allowed_transitions",
    "complaint_accept",
    "complaint_assign",
    "complaint_close",
    "complaint_enterprise_respond",
    "complaint_mediation_end",
    "complaint_mediation_start",
    "complaint_not_accept",
    "complaint_note_add",
    "complaint_reopen",
    "complaint_reopen_problems",
    "complaint_satisfaction_rate",
    "complaint_severity",
    "complaint_submit",
    "complaint_substantiation_change",
    "complaint_substantiation_problems",
    "complaints_check_deadlines",
    "deadline_status",
    "normalise_tracking_number",
    "notification_deliver",
    "notifications_drain",
]
