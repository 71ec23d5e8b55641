"""Uploaded files are personal data: they are served only through this view, to staff.

Folders that need more than being staff name the permission they need: registry's own
(health certificates, background checks) here, other apps' by registering into
`MEDIA_PERMISSIONS` (a core.plugins registry keyed by folder) from their AppConfig.ready(),
so registry never imports them.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

from core.plugins import Registry

SENSITIVE_PREFIXES = ("workers/health/", "workers/background/")
# Folder prefix (e.g. "complaints/") -> the permission needed to be served its files.
MEDIA_PERMISSIONS: Registry[str] = Registry("media permissions")
for _prefix in SENSITIVE_PREFIXES:
    MEDIA_PERMISSIONS.register("registry.view_sensitive_records", key=_prefix)


def media_permission(path: str) -> str | None:
    return next(
        (perm for prefix, perm in MEDIA_PERMISSIONS.items() if path.startswith(prefix)), None
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
