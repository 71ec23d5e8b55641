"""Personal data of the synthetic rows, in the form the application stores it.

- Keyed hashes (ID numbers, mobile numbers, card tokens) are real HMAC-SHA256 values made with
  PERSONAL_DATA_HASH_KEY, computed in SQL from the key's inner and outer pads (PostgreSQL's
  sha256()), so a look-up by number finds the row exactly as for a registered one.
- Masked values are those of the row's own synthetic number.
- Mobile numbers come from a pool of `PHONE_POOL` numbers, each encrypted with the
  application's key: every `*_encrypted` phone decrypts to the number its hash and mask are of.
- ID numbers are unique per row (valid region, birth date, sequence and check digit); their
  `id_number_encrypted` column holds one placeholder token that decrypts to "合成数据", not to
  the number: no page decrypts a stored ID number (staff see the masked form).
"""

import hashlib

from django.conf import settings

from core import personal_data

PHONE_POOL = 1000
ID_PLACEHOLDER = "合成数据"


def hmac_pads() -> dict[str, bytes]:
    """The inner and outer pads of the hash key: HMAC(k, m) = H(opad || H(ipad || m))."""
    key = settings.PERSONAL_DATA_HASH_KEY.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return {
        "ipad": bytes(b ^ 0x36 for b in key),
        "opad": bytes(b ^ 0x5C for b in key),
    }


def keyed_hash_sql(expression: str) -> str:
    """SQL for `core.personal_data.lookup_hash` of a text expression."""
    return (
        "encode(sha256(%(opad)s::bytea || sha256(%(ipad)s::bytea || "
        f"convert_to({expression}, 'UTF8'))), 'hex')"
    )


def phone_pool() -> dict[str, list[str]]:
    """The pool's numbers as stored (arrays for SQL; row i uses element 1 + i % PHONE_POOL)."""
    numbers = [f"1390941{n:04d}" for n in range(PHONE_POOL)]
    return {
        "phone_encrypted": [personal_data.encrypt(n) for n in numbers],
        "phone_hash": [personal_data.phone_hash(n) for n in numbers],
        "phone_masked": [personal_data.phone_mask(n) for n in numbers],
    }


def parameters() -> dict:
    return {
        **hmac_pads(),
        **phone_pool(),
        "id_placeholder": personal_data.encrypt(ID_PLACEHOLDER),
        "phone_pool": PHONE_POOL,
    }


# An 18-character ID number from a birth date and a 3-digit sequence: region 623023
# (舟曲县), the date, the sequence, then the ISO 7064 MOD 11-2 check character.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number_joins(birth: str, sequence: str) -> str:
    """FROM-clause joins giving `n.number` for the row (PostgreSQL flattens them)."""
    base = f"('623023' || to_char({birth}, 'YYYYMMDD') || lpad(({sequence})::text, 3, '0'))"
    weighted = " + ".join(
        f"{weight} * substr(b.base, {position}, 1)::int"
        for position, weight in enumerate(WEIGHTS, start=1)
    )
    check = f"substr('10X98765432', 1 + ({weighted}) %% 11, 1)"
    return (
        f"CROSS JOIN LATERAL (SELECT {base} AS base) AS b\n"
        f"CROSS JOIN LATERAL (SELECT b.base || {check} AS number) AS n"
    )
