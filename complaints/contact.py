"""A resident's mobile number: normalised, hashed for look-ups, masked for display.

The mechanism is the registers' (core.personal_data); complaints keep it in the `phone_*`
columns.
"""

from core.personal_data import phone_hash, phone_mask
from core.personal_data import phone_protect as _protect
from core.validators import clean_mobile

__all__ = ["phone_hash", "phone_mask", "phone_protect"]


def phone_protect(value: str) -> dict[str, str]:
    """The stored forms of a mobile number (raises ValidationError when it is not one)."""
    return _protect(clean_mobile(value), "phone")
