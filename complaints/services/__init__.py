"""Every write about a complaint goes through these functions."""

from .deadlines import complaints_check_deadlines
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
    complaint_satisfaction_rate,
    complaint_severity,
    complaint_substantiation_change,
)
from .intake import SubmitResult, complaint_submit
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
    "complaint_satisfaction_rate",
    "complaint_severity",
    "complaint_submit",
    "complaint_substantiation_change",
    "complaints_check_deadlines",
    "notification_deliver",
    "notifications_drain",
]
