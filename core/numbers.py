"""Reference numbers people read, type and say over the phone: a prefix, the day, and a
random part drawn by the OS's CSPRNG, so a number cannot be guessed or counted through.

Complaint tracking numbers (`TS…`) and credit report numbers (`XY…`) are made here."""

import re
import secrets
from datetime import date

# No I, O, 0 or 1: numbers are read aloud over the phone by elderly residents.
READABLE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def dated_number(prefix: str, day: date, length: int) -> str:
    """`prefix` + YYYYMMDD + `length` random characters of READABLE_ALPHABET
    (32^length numbers a day)."""
    suffix = "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))
    return f"{prefix}{day:%Y%m%d}{suffix}"


def normalise_number(value: str) -> str:
    """What people type: any case, with spaces or dashes."""
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


def is_dated_number(value: str, prefix: str, length: int) -> bool:
    """Whether a normalised `value` has the shape `dated_number(prefix, …, length)` gives."""
    body = value[len(prefix) :]
    return (
        value.startswith(prefix)
        and len(body) == 8 + length
        and body[:8].isdigit()
        and all(ch in READABLE_ALPHABET for ch in body[8:])
    )
