"""A resident's mobile number: normalised, hashed for look-ups, masked for display."""

from registry.admin_search import mobile_lookup_hash
from registry.personal_data import encrypt
from registry.validators import clean_mobile


def phone_hash(normalised: str) -> str:
    return mobile_lookup_hash(normalised)


def phone_mask(normalised: str) -> str:
    return f"{normalised[:3]}****{normalised[-4:]}"


def phone_protect(value: str) -> dict[str, str]:
    """The stored forms of a mobile number (raises ValidationError when it is not one)."""
    number = clean_mobile(value)
    return {
        "phone_encrypted": encrypt(number),
        "phone_hash": phone_hash(number),
        "phone_masked": phone_mask(number),
    }
