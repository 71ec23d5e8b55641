"""Residents (居民) and their special-group memberships.

Staff register residents in the admin; an enterprise may register one at the first
redemption (the portal calls `resident_register` with `enterprise`), and staff verify it
afterwards. The ID number is stored like a worker's: encrypted, with a keyed hash for
look-ups and the dishonesty-list match, a masked copy and the last four characters, which
the resident gives at the enterprise together with their mobile number.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import personal_data
from core.validators import IdentityNumber, clean_id_number, clean_mobile
from registry.models import Enterprise
from registry.services.documents import uploads_sanitise

from ..models import DishonestyEntry, GroupMembership, Resident


def _as(instance, actor):
    if getattr(actor, "pk", None):
        instance._history_user = actor
    return instance


def resident_identity_apply(resident: Resident, identity: IdentityNumber) -> Resident:
    """Store the ID number protected, and what is derived from it."""
    resident.id_number_encrypted = personal_data.encrypt(identity.number)
    resident.id_number_hash = personal_data.lookup_hash(identity.number)
    resident.id_number_masked = identity.masked
    resident.id_last4 = identity.last4
    resident.birth_date = identity.birth_date
    resident.gender = identity.gender
    return resident


def _credit_apply(resident: Resident) -> None:
    """The resident's credit status against the dishonesty list as it is now."""
    entry = (
        DishonestyEntry.objects.filter(id_number_hash=resident.id_number_hash, is_active=True)
        .order_by("-list_import__imported_at")
        .first()
    )
    resident.credit_status = (
        Resident.CreditStatus.DISHONEST if entry else Resident.CreditStatus.GOOD
    )
    resident.credit_note = dishonesty_note(entry) if entry else ""
    resident.credit_checked_on = timezone.localdate()


def dishonesty_note(entry: DishonestyEntry) -> str:
    case = f"，案号{entry.case_number}" if entry.case_number else ""
    return f"列入{entry.source}{case}"[:200]


@transaction.atomic
def resident_register(
    *,
    actor,
    resident: Resident,
    id_number: str | None = None,
    mobile: str | None = None,
    enterprise: Enterprise | None = None,
) -> Resident:
    """Create or update a resident; `id_number` and `mobile` are required for a new one
    (the mobile is stored protected). Registered by an enterprise (`enterprise`), the
    resident stays unverified until staff check them."""
    if mobile is not None:
        try:
            personal_data.phone_apply(resident, "mobile", clean_mobile(mobile))
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from None
    if not resident.mobile_hash:
        raise ValidationError({"mobile": "请填写手机号码。"})
    if id_number:
        identity = clean_id_number(id_number)
        digest = personal_data.lookup_hash(identity.number)
        if Resident.objects.filter(id_number_hash=digest).exclude(pk=resident.pk).exists():
            raise ValidationError(
                {"id_number": "该身份证号已登记为居民，请勿重复登记，可在已有记录上更新。"}
            )
        resident_identity_apply(resident, identity)
    elif resident.pk is None and not resident.id_number_hash:
        raise ValidationError({"id_number": "请填写身份证号。"})
    if resident.pk is None:
        if enterprise is not None:
            resident.source = Resident.Source.ENTERPRISE
            resident.registered_by_enterprise = enterprise
        else:
            resident.source = Resident.Source.STAFF
            resident.verified_at = timezone.now()
            resident.verified_by = actor if getattr(actor, "pk", None) else None
    if id_number or resident.credit_checked_on is None:
        _credit_apply(resident)
    resident.full_clean(exclude=["id_number_encrypted", "id_number_hash"])
    try:
        with transaction.atomic():
            _as(resident, actor).save()
    except IntegrityError:
        # Two registrations of the same person at once: the unique hash decides.
        raise ValidationError({"id_number": "该身份证号已登记为居民。"}) from None
    return resident


@transaction.atomic
def resident_verify(*, actor, resident: Resident) -> Resident:
    """Staff confirm a resident registered by an enterprise (identity checked)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.verified_at is None:
        resident.verified_at = timezone.now()
        resident.verified_by = actor
        _as(resident, actor).save(update_fields=["verified_at", "verified_by"])
    return resident


def resident_find(*, mobile: str, id_last4: str) -> Resident:
    """The resident who gives this mobile number and the last four characters of their ID
    number at an enterprise. Raises ValidationError with one message whatever was wrong,
    so the answer does not tell which of the two is registered."""
    try:
        mobile = clean_mobile(mobile)
    except ValidationError:
        raise ValidationError({"mobile": "手机号码应为11位数字。"}) from None
    last4 = (id_last4 or "").strip().upper()
    resident = Resident.objects.filter(
        mobile_hash=personal_data.phone_hash(mobile), id_last4=last4
    ).first()
    if resident is None:
        raise ValidationError(
            "没有找到与该手机号和身份证后四位相符的居民。请核对；首次使用的居民请先登记。",
            code="not_found",
        )
    return resident


# --- Special groups ----------------------------------------------------------------------


@transaction.atomic
def membership_save(*, actor, membership: GroupMembership, verified: bool = False):
    """Record a special-group membership. Staff entries with `verified` count at once; an
    enterprise's entry waits for staff to check the proof (`membership_verify`)."""
    if membership.group_id and membership.group.min_age:
        raise ValidationError(
            {"group": f"“{membership.group.name}”按身份证上的出生日期自动认定，无需登记。"}
        )
    if membership.pk:
        previous = GroupMembership.objects.filter(pk=membership.pk).values(
            "valid_from", "valid_to", "group_id", "proof_number"
        )[0]
        changed = any(getattr(membership, key) != value for key, value in previous.items())
        if changed and not verified:
            # New dates or another group: the proof has to be looked at again.
            membership.verified_at = None
            membership.verified_by = None
    if verified and membership.verified_at is None:
        membership.verified_at = timezone.now()
        membership.verified_by = actor
    membership.full_clean()
    uploads_sanitise(membership)
    _as(membership, actor).save()
    return membership


@transaction.atomic
def membership_verify(*, actor, membership: GroupMembership) -> GroupMembership:
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.verified_at is None:
        membership.verified_at = timezone.now()
        membership.verified_by = actor
        _as(membership, actor).save(update_fields=["verified_at", "verified_by"])
    return membership
