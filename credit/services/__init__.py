"""Every write to the credit file and the ratings goes through these functions."""

from .events import (
    credit_event_record,
    credit_event_revoke,
    credit_event_revoke_by_source,
    disclosure_until,
)
from .imports import credit_events_import
from .pledges import (
    pledge_breach_record,
    pledge_breach_sync,
    pledge_publish,
    pledge_sign,
    pledge_sign_problems,
)
from .rating import (
    active_standard,
    rating_chunk_compute,
    rating_inputs_tables_clean,
    rating_run_can_cancel,
    rating_run_cancel,
    rating_run_problems,
    rating_run_scheduled,
    rating_run_start,
    rating_run_year,
    rating_runs_resume_stalled,
    rating_subject_recompute,
    standard_lock,
    standard_problems,
)
from .reports import credit_report_issue

__all__ = [
    "active_standard",
    "credit_events_import",
    "credit_event_record",
    "credit_event_revoke",
    "credit_event_revoke_by_source",
    "credit_report_issue",
    "disclosure_until",
    "pledge_breach_record",
    "pledge_breach_sync",
    "pledge_publish",
    "pledge_sign",
    "pledge_sign_problems",
    "rating_chunk_compute",
    "rating_inputs_tables_clean",
    "rating_run_can_cancel",
    "rating_run_cancel",
    "rating_run_problems",
    "rating_run_scheduled",
    "rating_run_start",
    "rating_run_year",
    "rating_runs_resume_stalled",
    "rating_subject_recompute",
    "standard_lock",
    "standard_problems",
]
