"""Logging in by username or by the mobile number of a portal account."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.shortcuts import render

from .personal_data import phone_hash
from .validators import clean_mobile


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None or not username:
            return user
        try:
            mobile = clean_mobile(username)
        except ValidationError:
            return None
        User = get_user_model()
        user = User.objects.filter(portal_account__mobile_hash=phone_hash(mobile)).first()
        if user is None:
            User().set_password(password)  # same time as a wrong password: no user enumeration
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def client_ip(request) -> str | None:
    """The client address, from the same header the rate limits use."""
    return request.META.get(settings.RATELIMIT_IP_META_KEY) or request.META.get("REMOTE_ADDR")


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' answer to a locked-out login, in Chinese, for the portal and the admin."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registry/portal/locked_out.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
