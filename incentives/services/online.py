"""Residents registering themselves online (/residents/register/).

The resident proves they hold the mobile with an SMS code and gives their name, ID number
and township, and may apply for a special group with a photo of the certificate. The answer
must not tell a stranger who is registered: it is given only after the code, and an ID
number registered under another mobile gets a neutral answer sending the resident to the
counter (which also handles someone having registered the number wrongly). Every answer
uses up the code, so probing ID numbers costs one SMS code each, and those are limited per
mobile and per address. The registration waits for staff to verify it (`resident_verify`);
the application waits for staff to look at the proof (`membership_verify` or
`membership_reject`).
"""

import enum
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.validators import clean_id_number, clean_mobile
from registry.models import Township, VerificationCode
from registry.services.codes import code_consume

from ..models import GroupMembership, Resident, SpecialGroup
from .residents import membership_save, resident_register


class Outcome(enum.Enum):
    REGISTERED = "registered"  # a new resident, waiting for staff
    ALREADY = "already"  # this mobile registered this ID number before
    COUNTER = "counter"  # the ID number is registered under another mobile


@dataclass(frozen=True)
class OnlineRegistration:
    outcome: Outcome
    resident: Resident | None = None
    membership: GroupMembership | None = None


def online_groups():
    """The special groups a resident applies for online: those that need a proof (groups
    recognised by age from the ID number need no application)."""
    return SpecialGroup.objects.filter(is_active=True, min_age__isnull=True).order_by(
        "sort_order", "name"
    )


def _apply_for_group(
    resident: Resident, group: SpecialGroup, proof: File, proof_number: str
) -> GroupMembership | None:
    """A pending membership, unless the resident already has (or applied for) the group."""
    if GroupMembership.objects.filter(resident=resident, group=group).exists():
        return None
    membership = GroupMembership(
        resident=resident,
        group=group,
        proof=proof,
        proof_number=proof_number,
        valid_from=timezone.localdate(),
    )
    return membership_save(actor=None, membership=membership)


@transaction.atomic
def resident_register_online(
    *,
    code: VerificationCode,
    mobile: str,
    name: str,
    id_number: str,
    township: Township,
    group: SpecialGroup | None = None,
    proof: File | None = None,
    proof_number: str = "",
) -> OnlineRegistration:
    """Register the resident whose mobile `code` (checked by the caller) proved; the code is
    used up whatever the outcome."""
    if group is not None and not proof:
        raise ValidationError({"proof": _("申请特殊群体认定，请上传证件照片。")})
    if group is not None and group.min_age:
        raise ValidationError({"group": f"“{group.name}”按身份证上的出生日期自动认定，无需申请。"})
    code_consume(code)
    mobile = clean_mobile(mobile)
    identity = clean_id_number(id_number)
    existing = Resident.objects.filter(
        id_number_hash=personal_data.lookup_hash(identity.number)
    ).first()
    if existing is not None:
        if existing.mobile_hash != personal_data.phone_hash(mobile):
            return OnlineRegistration(Outcome.COUNTER)
        membership = _apply_for_group(existing, group, proof, proof_number) if group else None
        return OnlineRegistration(Outcome.ALREADY, existing, membership)
    resident = resident_register(
        actor=None,
        resident=Resident(name=name.strip(), township=township),
        id_number=identity.number,
        mobile=mobile,
        online=True,
    )
    membership = _apply_for_group(resident, group, proof, proof_number) if group else None
    return OnlineRegistration(Outcome.REGISTERED, resident, membership)
