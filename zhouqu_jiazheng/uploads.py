"""Request body limits: an oversized upload is refused before it is read.

`RequestSizeLimitMiddleware` answers 413 when a request announces (Content-Length) a body
larger than `UPLOAD_MAX_REQUEST_BYTES`, before anything reads it: a 300 MB "attachment"
costs the server nothing. Django reads no body without a Content-Length, so that covers
every request. `LimitedUploadHandler`, first of the upload handlers, stops reading one file
past `UPLOAD_MAX_FILE_BYTES` (the largest file any form takes) instead of spooling it to
disk; the middleware then answers 413 too. The forms keep their own, smaller limits (10 MB
per attachment) with their own messages. The reverse proxy caps bodies at the same size
(`client_max_body_size`, see deploy/nginx.conf).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render

REFUSED_ATTRIBUTE = "upload_refused"


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


def too_large(request):
    return render(
        request,
        "upload_too_large.html",
        {
            "request_limit": _megabytes(settings.UPLOAD_MAX_REQUEST_BYTES),
            "file_limit": _megabytes(settings.UPLOAD_MAX_FILE_BYTES),
            "back": request.path if request.method == "POST" else "/",
        },
        status=413,
    )


class RequestSizeLimitMiddleware:
    """Placed after CsrfViewMiddleware: its check of the announced length runs before any
    middleware reads the body, and its process_view sees what the upload handler refused
    while the CSRF check parsed the form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_BYTES:
            return too_large(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.POST  # noqa: B018  (parse now, so a refused file is known)
        if getattr(request, REFUSED_ATTRIBUTE, False):
            return too_large(request)
        return None


class LimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and stops the upload past the limit."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_FILE_BYTES:
            if self.request is not None:
                setattr(self.request, REFUSED_ATTRIBUTE, True)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
