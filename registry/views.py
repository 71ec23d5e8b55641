"""Uploaded files are personal data: they are served only through this view, to staff.

Folders that need more than being staff name the permission they need: registry's own
(health certificates, background checks) here, other apps' through
`register_media_permission` from their AppConfig.ready(), so registry never imports them.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

SENSITIVE_PREFIXES = ("workers/health/", "workers/background/")
_media_permissions: dict[str, str] = dict.fromkeys(
    SENSITIVE_PREFIXES, "registry.view_sensitive_records"
)


def register_media_permission(prefix: str, permission: str) -> None:
    """Files below `prefix` (e.g. "complaints/") are served only to holders of `permission`."""
    _media_permissions[prefix] = permission


def media_permission(path: str) -> str | None:
    return next(
        (perm for prefix, perm in _media_permissions.items() if path.startswith(prefix)), None
    )


@require_safe
def protected_media(request, path: str):
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied
    permission = media_permission(path)
    if permission and not user.has_perm(permission):
        raise PermissionDenied
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation:
        raise Http404 from None
    if not full_path.is_file():
        raise Http404
    content_type, _ = mimetypes.guess_type(full_path.name)
    response = FileResponse(full_path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
