"""Start-up checks of the personal-data keys.

A key Fernet cannot use would otherwise pass every check and fail only when the first ID
number or mobile is encrypted, in front of a member of staff; a weak or reused hash key
would silently make the stored look-up hashes guessable. `manage.py check` (and with it
`check --deploy`, `migrate` and `runserver`) reports the problems; the WSGI/ASGI entry
points and the Celery worker refuse to start with them (`refuse_bad_personal_data_keys`).
"""

import binascii
import os

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MIN_HASH_KEY_LENGTH = 32
FERNET_HINT = (
    "A Fernet key is 32 random bytes, URL-safe base64-encoded (44 characters); generate one "
    'with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


def _fernet_problem(key: str) -> str | None:
    try:
        Fernet(key)
    except (ValueError, TypeError, binascii.Error):
        return "is not a Fernet key"
    return None


def personal_data_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    key = settings.PERSONAL_DATA_KEY
    if problem := _fernet_problem(key):
        errors.append(
            checks.Error(
                f"PERSONAL_DATA_KEY {problem}: ID numbers and mobiles cannot be encrypted.",
                hint=FERNET_HINT,
                id="registry.E001",
            )
        )
    for position, fallback in enumerate(settings.PERSONAL_DATA_KEY_FALLBACKS, start=1):
        if problem := _fernet_problem(fallback):
            errors.append(
                checks.Error(
                    f"PERSONAL_DATA_KEY_FALLBACKS: key {position} {problem}: data encrypted "
                    "with it before a rotation cannot be read.",
                    hint="List the previous PERSONAL_DATA_KEY values exactly, comma-separated. "
                    + FERNET_HINT,
                    id="registry.E002",
                )
            )
    hash_key = settings.PERSONAL_DATA_HASH_KEY
    if len(hash_key) < MIN_HASH_KEY_LENGTH:
        errors.append(
            checks.Error(
                f"PERSONAL_DATA_HASH_KEY is {len(hash_key)} characters long; it needs at least "
                f"{MIN_HASH_KEY_LENGTH} random characters, or the look-up hashes of ID numbers "
                "can be guessed.",
                hint="Generate one with: "
                'python -c "import secrets; print(secrets.token_urlsafe(48))" '
                "and never change it once data is stored.",
                id="registry.E003",
            )
        )
    elif hash_key in (key, *settings.PERSONAL_DATA_KEY_FALLBACKS, settings.SECRET_KEY):
        errors.append(
            checks.Error(
                "PERSONAL_DATA_HASH_KEY must differ from PERSONAL_DATA_KEY, its fallbacks and "
                "SECRET_KEY: one leaked key must not expose the other protection.",
                id="registry.E004",
            )
        )
    return errors


def refuse_bad_personal_data_keys() -> None:
    """Stop a server or worker process at start-up when the keys are unusable."""
    errors = personal_data_keys_check()
    if errors:
        raise ImproperlyConfigured(
            "\n".join(f"{error.id}: {error.msg} HINT: {error.hint or ''}" for error in errors)
        )


def retired_settings_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A deployment still setting RATELIMIT_IP_META_KEY expects the header it names to be
    read; it no longer is (core.client_ip reads X-Forwarded-For from TRUSTED_PROXIES)."""
    if os.environ.get("RATELIMIT_IP_META_KEY", "REMOTE_ADDR") != "REMOTE_ADDR":
        return [
            checks.Warning(
                "RATELIMIT_IP_META_KEY is no longer read: behind a proxy, rate limits and "
                "the login lockout would count the proxy's address.",
                hint="Remove it and set TRUSTED_PROXIES to the proxy's address or network.",
                id="core.W001",
            )
        ]
    return []
