"""Every write of the incentives app goes through these functions; `eligibility` is the one
decision of who gets what, shared by every caller."""

from .bookings import (
    booking_accept,
    booking_cancel,
    booking_decline,
    booking_submit,
    bookings_tick,
)
from .dishonesty import (
    dishonesty_entry_remove,
    dishonesty_list_import,
    residents_credit_refresh,
)
from .eligibility import eligibility
from .online import resident_register_online
from .participation import (
    measure_save,
    participation_note_change,
    participation_opt_in,
    participation_problems,
    participation_townships_set,
    participation_withdraw,
    special_group_save,
)
from .records import record_delete
from .redemptions import redemption_cancel, redemption_code_send, redemption_record
from .residents import (
    membership_reject,
    membership_save,
    membership_verify,
    resident_find,
    resident_register,
    resident_verify,
)
from .support import (
    application_submit,
    application_transition,
    application_update,
    programme_save,
)

__all__ = [
    "booking_accept",
    "booking_cancel",
    "booking_decline",
    "booking_submit",
    "bookings_tick",
    "application_submit",
    "application_transition",
    "application_update",
    "dishonesty_entry_remove",
    "dishonesty_list_import",
    "eligibility",
    "measure_save",
    "record_delete",
    "membership_reject",
    "membership_save",
    "membership_verify",
    "participation_note_change",
    "participation_opt_in",
    "participation_problems",
    "participation_townships_set",
    "participation_withdraw",
    "programme_save",
    "redemption_cancel",
    "redemption_code_send",
    "redemption_record",
    "resident_find",
    "resident_register",
    "resident_register_online",
    "resident_verify",
    "residents_credit_refresh",
    "special_group_save",
]
