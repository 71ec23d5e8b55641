"""Logging in by username or by the mobile number of a portal account.

Whatever the person typed is first reduced to one login name (`login_identifier`): the
username as stored, whatever its case, or the username of the portal account whose mobile
it is, however it is written (spaces, dashes, +86 or 0086, full-width digits). Both the
password check and django-axes' lockout use that name, so one account has one lockout
counter and no spelling of its mobile gets round it.
"""

import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.shortcuts import render

from core.personal_data import phone_hash
from core.validators import clean_mobile


def login_identifier(typed: str | None) -> str:
    """The one name an account is known by at login, for whatever spelling was typed.

    An existing username wins as typed, then in any case; a mobile number leads to the
    username of its portal account. Anything else is the typed text folded (NFKC,
    case-folded), or the bare digits of a mobile nobody holds, so spellings of an unknown
    name still share one lockout counter."""
    text = unicodedata.normalize("NFKC", typed or "").strip()
    if not text:
        return ""
    User = get_user_model()
    field = User.USERNAME_FIELD
    if User.objects.filter(**{field: text}).exists():
        return text
    try:
        mobile = clean_mobile(text)
    except ValidationError:
        mobile = None
    if mobile is not None:
        owner = (
            User.objects.filter(portal_account__mobile_hash=phone_hash(mobile))
            .values_list(field, flat=True)
            .first()
        )
        return owner if owner is not None else mobile
    same = list(User.objects.filter(**{f"{field}__iexact": text}).values_list(field, flat=True)[:2])
    if len(same) == 1:
        return same[0]
    return text.casefold()


def lockout_username(request, credentials=None) -> str:
    """django-axes' key for a login attempt (AXES_USERNAME_CALLABLE)."""
    if credentials is not None:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "POST", {}).get("username")
    return login_identifier(typed)


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        # An unknown name still runs the password hasher (ModelBackend): no user enumeration.
        return super().authenticate(request, username=login_identifier(username), password=password)


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' answer to a locked-out login, in Chinese, for the portal and the admin."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "portal/locked_out.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
