"""Residents (居民) and their special-group memberships.

Staff register residents in the admin; an enterprise may register one at the first
redemption (the portal calls `resident_register` with `enterprise`) and a resident may
register online (`incentives.services.online`); staff verify both afterwards. The ID
number is stored like a worker's: encrypted, with a keyed hash for look-ups and the
dishonesty-list match, a masked copy and the last four characters, which the resident
gives at the enterprise together with their mobile number.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.audit import audited_save
from core.transitions import StatusMachine
from core.validators import IdentityNumber, clean_id_number, clean_mobile
from registry.models import Enterprise
from registry.services.documents import uploads_sanitise

from ..models import DishonestyEntry, GroupMembership, Resident


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
    online: bool = False,
) -> Resident:
    """Create or update a resident; `id_number` and `mobile` are required for a new one
    (the mobile is stored protected). Registered by an enterprise (`enterprise`) or by the
    resident online (`online`), the resident stays unverified until staff check them."""
    if mobile is not None:
        try:
            personal_data.phone_apply(resident, "mobile", clean_mobile(mobile))
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from None
    if not resident.mobile_hash:
        raise ValidationError({"mobile": _("请填写手机号码。")})
    if id_number:
        identity = clean_id_number(id_number)
        digest = personal_data.lookup_hash(identity.number)
        if Resident.objects.filter(id_number_hash=digest).exclude(pk=resident.pk).exists():
            raise ValidationError(
                {"id_number": _("该身份证号已登记为居民，请勿重复登记，可在已有记录上更新。")}
            )
        resident_identity_apply(resident, identity)
    elif resident.pk is None and not resident.id_number_hash:
        raise ValidationError({"id_number": _("请填写身份证号。")})
    if resident.pk is None:
        if enterprise is not None:
            resident.source = Resident.Source.ENTERPRISE
            resident.registered_by_enterprise = enterprise
        elif online:
            resident.source = Resident.Source.ONLINE
        else:
            resident.source = Resident.Source.STAFF
            resident.verified_at = timezone.now()
            resident.verified_by = actor if getattr(actor, "pk", None) else None
    if id_number or resident.credit_checked_on is None:
        _credit_apply(resident)
    resident.full_clean(exclude=["id_number_encrypted", "id_number_hash"])
    try:
        with transaction.atomic():
            audited_save(resident, actor=actor)
    except IntegrityError:
        # Two registrations of the same person at once: the unique hash decides.
        raise ValidationError({"id_number": _("该身份证号已登记为居民。")}) from None
    return resident


@transaction.atomic
def resident_verify(*, actor, resident: Resident) -> Resident:
    """Staff confirm a resident registered by an enterprise or online (identity checked)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.verified_at is None:
        resident.verified_at = timezone.now()
        resident.verified_by = actor
        audited_save(resident, actor=actor, update_fields=["verified_at", "verified_by"])
    return resident


def resident_find(*, mobile: str, id_last4: str) -> Resident:
    """The resident who gives this mobile number and the last four characters of their ID
    number at an enterprise. Raises ValidationError with one message whatever was wrong,
    so the answer does not tell which of the two is registered."""
    try:
        mobile = clean_mobile(mobile)
    except ValidationError:
        raise ValidationError({"mobile": _("手机号码应为11位数字。")}) from None
    last4 = (id_last4 or "").strip().upper()
    resident = Resident.objects.filter(
        mobile_hash=personal_data.phone_hash(mobile), id_last4=last4
    ).first()
    if resident is None:
        raise ValidationError(
            _("没有找到与该手机号和身份证后四位相符的居民。请核对；首次使用的居民请先登记。"),
            code="not_found",
        )
    return resident


# --- Special groups ----------------------------------------------------------------------

MembershipStatus = GroupMembership.Status
MEMBERSHIP_MACHINE = StatusMachine(
    GroupMembership,
    {
        MembershipStatus.PENDING: {MembershipStatus.VERIFIED, MembershipStatus.REJECTED},
        # Changed dates or group: the proof is looked at again; staff may withdraw it.
        MembershipStatus.VERIFIED: {MembershipStatus.PENDING, MembershipStatus.REJECTED},
        MembershipStatus.REJECTED: {MembershipStatus.PENDING, MembershipStatus.VERIFIED},
    },
    message="该特殊群体认定当前为“%(current)s”，不能改为“%(target)s”。",
)


def _membership_target(membership: GroupMembership, *, verified: bool) -> str:
    """The status a membership saved by `membership_save` takes."""
    if verified:
        return MembershipStatus.VERIFIED
    if membership.pk is None:
        return MembershipStatus.PENDING
    previous = GroupMembership.objects.filter(pk=membership.pk).values(
        "valid_from", "valid_to", "group_id", "proof_number"
    )[0]
    if any(getattr(membership, key) != value for key, value in previous.items()):
        # New dates or another group: the proof has to be looked at again.
        return MembershipStatus.PENDING
    return membership.status


@transaction.atomic
def membership_save(*, actor, membership: GroupMembership, verified: bool = False):
    """Record a special-group membership. Staff entries with `verified` count at once; an
    enterprise's entry or a resident's online application waits for staff to check the
    proof (`membership_verify`, `membership_reject`)."""
    if membership.group_id and membership.group.min_age:
        raise ValidationError(
            {"group": f"“{membership.group.name}”按身份证上的出生日期自动认定，无需登记。"}
        )
    target = _membership_target(membership, verified=verified)
    if membership.pk is not None and target != membership.status:
        MEMBERSHIP_MACHINE.check(membership, target)
    membership.status = target
    if target == MembershipStatus.VERIFIED:
        membership.rejection_reason = ""
        if membership.verified_at is None:
            membership.verified_at = timezone.now()
            membership.verified_by = actor if getattr(actor, "pk", None) else None
    else:
        membership.verified_at = None
        membership.verified_by = None
    membership.full_clean()
    uploads_sanitise(membership)
    audited_save(membership, actor=actor)
    return membership


@transaction.atomic
def membership_verify(*, actor, membership: GroupMembership) -> GroupMembership:
    """Staff looked at the proof and confirm the membership."""
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.VERIFIED:
        MEMBERSHIP_MACHINE.transition(
            membership,
            MembershipStatus.VERIFIED,
            actor=actor,
            changes={"verified_at": timezone.now(), "verified_by": actor, "rejection_reason": ""},
            update_fields=["verified_at", "verified_by", "rejection_reason"],
            clean=False,
        )
    return membership


@transaction.atomic
def membership_reject(*, actor, membership: GroupMembership, reason: str) -> GroupMembership:
    """Staff looked at the proof and do not accept it; the resident sees `reason` on the
    status page."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写未通过的原因，居民查询时会看到。")})
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    MEMBERSHIP_MACHINE.transition(
        membership,
        MembershipStatus.REJECTED,
        actor=actor,
        changes={"verified_at": None, "verified_by": None, "rejection_reason": reason[:200]},
        update_fields=["verified_at", "verified_by", "rejection_reason"],
        reason=reason,
        clean=False,
    )
    return membership
