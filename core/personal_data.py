"""Protection of personal data at rest: Fernet encryption plus a keyed hash for look-ups.

ID numbers and personal mobile numbers (workers, residents, portal accounts, complainants,
application contacts) are stored as three columns: `<field>_encrypted` (Fernet),
`<field>_hash` (keyed hash for exact look-ups and uniqueness) and `<field>_masked` (what
staff see). Revealing a full value is logged (`registry.services.personal_data_reveal`).

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


def phone_hash(number: str) -> str:
    """Keyed hash of a normalised phone number (core.validators.clean_mobile)."""
    # A prefix keeps these hashes apart from ID-number hashes made with the same key.
    return lookup_hash(f"mobile:{number}")


def phone_mask(number: str) -> str:
    """138****0002: a phone number keeps its first three and last four digits."""
    if not number:
        return ""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_person_name(name: str) -> str:
    """A worker's name as the honour roll prints it: the first and the last character stay,
    the ones between become "*" (卓玛草 → 卓*草, 扎西卓玛 → 扎**玛); a two-character name
    keeps its surname only (王芳 → 王*). Enough for colleagues and customers to recognise
    a worker they know, not enough to identify a stranger — the usual form of a 公示."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def phone_protect(number: str, field: str) -> dict[str, str]:
    """The stored columns of a normalised phone number; an empty number empties them."""
    if not number:
        return {f"{field}_encrypted": "", f"{field}_hash": "", f"{field}_masked": ""}
    return {
        f"{field}_encrypted": encrypt(number),
        f"{field}_hash": phone_hash(number),
        f"{field}_masked": phone_mask(number),
    }


def phone_apply(obj, field: str, number: str) -> None:
    """Store a normalised phone number on a model instance (not saved)."""
    for name, value in phone_protect(number, field).items():
        setattr(obj, name, value)


def phone_plain(obj, field: str) -> str:
    """The full number, for sending an SMS or checking a password; never for display."""
    token = getattr(obj, f"{field}_encrypted")
    return decrypt(token) if token else ""


def phones_protect_stored(apps, app_label: str, model_name: str, old: str, field: str, clean):
    """Data migration step: encrypt, hash and mask the plaintext column `old` of a model into
    its `<field>_*` columns, and mask it in the model's simple-history table. A stored value
    `clean` refuses is kept as typed (trimmed), so nothing is lost."""
    from django.core.exceptions import ValidationError

    def normalised(value: str) -> str:
        value = (value or "").strip()
        try:
            return clean(value) if value else ""
        except ValidationError:
            return value

    Model = apps.get_model(app_label, model_name)
    columns = [f"{field}_encrypted", f"{field}_hash", f"{field}_masked"]
    _rewrite(Model, old, columns, lambda row, value: phone_apply(row, field, normalised(value)))
    History = apps.get_model(app_label, f"historical{model_name}")
    _rewrite(
        History,
        old,
        [f"{field}_masked"],
        lambda row, value: setattr(row, f"{field}_masked", phone_mask(normalised(value))),
    )


def phones_restore_stored(apps, app_label: str, model_name: str, old: str, field: str):
    """Reverse of `phones_protect_stored`; history keeps only the masked number."""
    Model = apps.get_model(app_label, model_name)
    _rewrite(
        Model,
        field + "_encrypted",
        [old],
        lambda row, token: setattr(row, old, decrypt(token) if token else ""),
    )
    History = apps.get_model(app_label, f"historical{model_name}")
    _rewrite(History, field + "_masked", [old], lambda row, masked: setattr(row, old, masked))


def _rewrite(Model, source: str, columns: list[str], apply, batch: int = 2000) -> None:
    pk = Model._meta.pk.attname
    rows = Model.objects.exclude(**{source: ""}).only(pk, source).order_by(pk)
    pending = []
    for row in rows.iterator(chunk_size=batch):
        apply(row, getattr(row, source))
        pending.append(row)
        if len(pending) >= batch:
            Model.objects.bulk_update(pending, columns)
            pending = []
    if pending:
        Model.objects.bulk_update(pending, columns)
