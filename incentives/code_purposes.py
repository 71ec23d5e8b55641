"""The SMS codes incentives sends (registry.services.codes)."""

from registry.services.codes import code_purpose

REDEMPTION = "redemption"
CHECK = "check"
REGISTER = "register"
STATUS = "status"
BOOKING = "booking"
BOOKINGS_MINE = "bookings_mine"


def resident_scope(resident) -> str:
    return f"resident:{resident.pk}"


def register() -> None:
    code_purpose(REDEMPTION, "确认使用优惠")
    code_purpose(CHECK, "查询可享优惠")
    code_purpose(REGISTER, "居民网上登记")
    code_purpose(STATUS, "查询居民登记进度")
    code_purpose(BOOKING, "提交预约")
    code_purpose(BOOKINGS_MINE, "查询我的预约")
