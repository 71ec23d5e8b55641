"""Protection of ID numbers at rest: Fernet encryption plus a keyed hash for look-ups.

The encryption key may be rotated: list old keys in PERSONAL_DATA_KEY_FALLBACKS and
re-encrypt at leisure (MultiFernet decrypts with any, encrypts with the first). The hash
key must not change, or exact look-ups and the uniqueness constraint stop matching.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    keys = [settings.PERSONAL_DATA_KEY, *settings.PERSONAL_DATA_KEY_FALLBACKS]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def lookup_hash(normalised: str) -> str:
    """HMAC-SHA256 of the normalised number, hex; equal numbers give equal hashes."""
    key = settings.PERSONAL_DATA_HASH_KEY.encode()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def clear_key_cache() -> None:
    _fernet.cache_clear()
