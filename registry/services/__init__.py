"""Every write to the registers goes through these functions."""

from .documents import record_delete, record_save, service_category_save
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
    "dossier_recompute",
    "employment_end",
    "employment_save",
    "employment_start",
    "enterprise_save",
    "record_confirm",
    "record_delete",
    "record_save",
    "records_refresh",
    "service_category_save",
    "worker_find_by_id_number",
    "worker_identity_apply",
    "worker_reveal_id_number",
    "worker_save",
]
