"""Every write about a complaint goes through these functions."""

from .deadlines import complaints_check_deadlines
from .handling import (
    COMPLAINT_MACHINE,
    ComplaintTransitionError,
    complaint_accept,
    complaint_assign,
    complaint_close,
    complaint_enterprise_respond,
    complaint_investigation_start,
    complaint_mediation_end,
    complaint_mediation_start,
    complaint_not_accept,
    complaint_note_add,
    complaint_reopen,
    complaint_reopen_problems,
    complaint_severity,
    complaint_substantiation_change,
    complaint_substantiation_problems,
)
from .intake import SubmitResult, complaint_submit
from .referral import complaint_refer, complaint_referral_problems
from .satisfaction import complaint_satisfaction_rate

__all__ = [
    "COMPLAINT_MACHINE",
    "ComplaintTransitionError",
    "SubmitResult",
    "complaint_accept",
    "complaint_assign",
    "complaint_close",
    "complaint_enterprise_respond",
    "complaint_investigation_start",
    "complaint_mediation_end",
    "complaint_mediation_start",
    "complaint_not_accept",
    "complaint_note_add",
    "complaint_refer",
    "complaint_referral_problems",
    "complaint_reopen",
    "complaint_reopen_problems",
    "complaint_satisfaction_rate",
    "complaint_severity",
    "complaint_submit",
    "complaint_substantiation_change",
    "complaint_substantiation_problems",
    "complaints_check_deadlines",
]
