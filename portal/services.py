"""Portal accounts (企业平台账号): created by staff, password set by the user through a
one-time link, never staff, one enterprise each."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core import personal_data
from core.audit import audited_save
from core.validators import clean_mobile
from registry.models import Enterprise

from .models import PortalAccount


def _looks_like_mobile(value: str) -> bool:
    try:
        clean_mobile(value)
    except ValidationError:
        return False
    return True


def password_link_path(user) -> str:
    """The one-time link that lets `user` set a password. Django's token generator signs the
    user's current password hash and last login, so the link stops working once used (the
    password changed) and after PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("portal:password_set", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def portal_account_create(
    *,
    actor,
    enterprise: Enterprise,
    username: str,
    mobile: str,
    full_name: str = "",
    role: str = PortalAccount.Role.OWNER,
) -> tuple[PortalAccount, str]:
    """Create a portal login for `enterprise`; returns it and the path of its one-time
    password link, which staff hand over (or text) to the person."""  # fmt: skip
    User = get_user_model()
    username = username.strip()
    number = clean_mobile(mobile)
    errors = {}
    if not username:
        errors["username"] = "请填写用户名。"
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = "该用户名已被使用。"
    elif _looks_like_mobile(username):
        # Login takes a username or a mobile: a username written like a mobile number
        # would make the two ambiguous.
        errors["username"] = "用户名不能是手机号码（开通后可直接用手机号码登录）。"
    if PortalAccount.objects.filter(mobile_hash=personal_data.phone_hash(number)).exists():
        errors["mobile"] = "该手机号码已开通企业平台账号。"
    if errors:
        raise ValidationError(errors)
    user = User(username=username, first_name=full_name.strip()[:150], is_staff=False)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    account = PortalAccount(
        user=user, enterprise=enterprise, role=role,
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    personal_data.phone_apply(account, "mobile", number)
    account.full_clean()
    audited_save(account, actor=actor)
    return account, password_link_path(user)


@transaction.atomic
def portal_account_password_link(*, actor, account: PortalAccount) -> str:
    """A new one-time link (the person forgot the password or never used the first link).
    The current password stops working until a new one is set."""
    user = account.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return password_link_path(user)


@transaction.atomic
def portal_account_deactivate(*, actor, account: PortalAccount) -> PortalAccount:
    user = account.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    return audited_save(account, actor=actor)
