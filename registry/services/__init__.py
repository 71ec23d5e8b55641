"""Every write to the registers goes through these functions."""

from .changes import (
    change_request_approve,
    change_request_reject,
    change_request_submit_offerings,
    change_request_submit_profile,
    change_request_submit_qualification,
    change_request_withdraw,
)
from .documents import record_delete, record_save, records_verify, service_category_save
from .personal import mobile_reveal, personal_data_reveal
from .portal_workers import (
    portal_health_certificate_add,
    portal_training_add,
    portal_worker_add,
)
from .refresh import dossier_recompute, records_refresh
from .subjects import (
    employment_end,
    employment_save,
    employment_start,
    enterprise_save,
    record_confirm,
    worker_find_by_id_number,
    worker_identity_apply,
    worker_reveal_id_number,
    worker_save,
)

__all__ = [
    "change_request_approve",
    "change_request_reject",
    "change_request_submit_offerings",
    "change_request_submit_profile",
    "change_request_submit_qualification",
    "change_request_withdraw",
    "dossier_recompute",
    "employment_end",
    "employment_save",
    "employment_start",
    "enterprise_save",
    "mobile_reveal",
    "personal_data_reveal",
    "portal_health_certificate_add",
    "portal_training_add",
    "portal_worker_add",
    "record_confirm",
    "record_delete",
    "record_save",
    "records_refresh",
    "records_verify",
    "service_category_save",
    "worker_find_by_id_number",
    "worker_identity_apply",
    "worker_reveal_id_number",
    "worker_save",
]
