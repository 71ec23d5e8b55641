"""A resident's mobile number: normalised, hashed for look-ups, masked for display."""

from registry.personal_data import encrypt, lookup_hash
from registry.validators import clean_mobile


def phone_hash(normalised: str) -> str:
    # A prefix keeps these hashes apart from ID-number hashes made with the same key.
    return lookup_hash(f"mobile:{normalised}")


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
