"""Revealing a protected personal value (a full ID number or mobile number): the permission
is checked, a reason is required and every reveal is logged in 个人信息查看记录."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import personal_data

from ..models import PersonalDataAccess

REVEAL_MOBILE_PERMISSION = "registry.reveal_mobile"


@transaction.atomic
def personal_data_reveal(
    *,
    actor,
    subject,
    field: str,
    label: str,
    permission: str,
    reason: str,
    ip_address=None,
) -> str:
    """The full value stored in `<field>_encrypted` of `subject`; `label` names it in the log
    (身份证号, 手机号码, 联系电话)."""
    if not actor.has_perm(permission):
        raise PermissionDenied(f"您没有查看完整{label}的权限。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写查看事由。"})
    PersonalDataAccess.objects.create(
        user=actor,
        content_type=ContentType.objects.get_for_model(type(subject)),
        object_id=subject.pk,
        subject_label=str(subject)[:100],
        field=label,
        reason=reason[:200],
        ip_address=ip_address,
    )
    return personal_data.phone_plain(subject, field)


def mobile_reveal(*, actor, subject, field: str, reason: str, ip_address=None) -> str:
    """A full personal mobile number (workers, residents, portal accounts, applications)."""
    label = str(type(subject)._meta.get_field(f"{field}_masked").verbose_name)
    return personal_data_reveal(
        actor=actor,
        subject=subject,
        field=field,
        label=label,
        permission=REVEAL_MOBILE_PERMISSION,
        reason=reason,
        ip_address=ip_address,
    )
