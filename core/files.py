"""Uploaded files: accept JPEG, PNG and PDF by their content, never by their name, and
strip the metadata of images (EXIF can carry the GPS position of a resident's home).

`validate_upload` is a model/form validator; `sanitised_upload` returns the bytes to store.
The complaints and portal uploads use the same functions.

A picture's header may announce billions of pixels in a few kilobytes of compressed data (a
decompression bomb): the size is checked from the header, before any pixel is decoded, and
refused with the same message whether Pillow itself or our limit catches it. Image fields use
`ImageUploadField`, whose form field gives that message instead of Django's generic one.
"""

import io
import os

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils.deconstruct import deconstructible
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_TOO_LARGE = (
    "图片像素太多（超过%(limit)d万像素），无法处理。请用手机或电脑把图片缩小后再上传。"
)


def image_too_large() -> ValidationError:
    return ValidationError(
        IMAGE_TOO_LARGE, code="image_size", params={"limit": MAX_IMAGE_PIXELS // 10_000}
    )


SIGNATURES = {
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
}
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "pdf": ".pdf"}


def sniff(head: bytes) -> str | None:
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return kind
    return None


def _read_head(file, size: int = 16) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


@deconstructible
class UploadValidator:
    """JPEG, PNG or PDF by content; at most `max_bytes`; images must decode."""

    def __init__(self, kinds=("jpeg", "png", "pdf"), max_bytes: int = MAX_UPLOAD_BYTES):
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes

    def __call__(self, file) -> None:
        # Files already stored (an unchanged field on edit) were checked when uploaded.
        if getattr(file, "_committed", False):
            return
        if file.size > self.max_bytes:
            raise ValidationError(
                "文件过大：最大%(limit)dMB，当前约%(size).1fMB。",
                code="file_size",
                params={"limit": self.max_bytes // (1024 * 1024), "size": file.size / 1048576},
            )
        kind = sniff(_read_head(file))
        if kind not in self.kinds:
            allowed = "、".join({"jpeg": "JPG", "png": "PNG", "pdf": "PDF"}[k] for k in self.kinds)
            raise ValidationError(
                "文件类型不支持：只接受%(allowed)s格式（按文件内容判断，改扩展名无效）。",
                code="file_type",
                params={"allowed": allowed},
            )
        if kind in ("jpeg", "png"):
            file.seek(0)
            try:
                with Image.open(file) as image:
                    if image.width * image.height > MAX_IMAGE_PIXELS:
                        raise image_too_large()
                    image.verify()
            except Image.DecompressionBombError:
                raise image_too_large() from None
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                raise ValidationError("图片文件已损坏，无法打开。", code="image_broken") from None
            finally:
                file.seek(0)

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, UploadValidator)
            and self.kinds == other.kinds
            and self.max_bytes == other.max_bytes
        )


validate_upload = UploadValidator()
validate_image_upload = UploadValidator(kinds=("jpeg", "png"))


class ImageUploadFormField(forms.ImageField):
    """Django's image field opens the picture itself and calls any failure "not an image";
    our check runs first so a bomb or an oversized picture is named as such."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "size"):
            validate_image_upload(data)
        return super().to_python(data)


class ImageUploadField(models.ImageField):
    """A model image field whose form field is `ImageUploadFormField`."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadFormField, **kwargs})

    def deconstruct(self):
        # Only the form field differs: migrations keep recording a plain ImageField.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs


def sanitised_upload(file) -> ContentFile:
    """Re-encode an uploaded image without its metadata; PDFs pass through unchanged."""
    kind = sniff(_read_head(file))
    base = os.path.splitext(os.path.basename(file.name or "upload"))[0][:80] or "upload"
    file.seek(0)
    if kind == "pdf":
        return ContentFile(file.read(), name=base + ".pdf")
    with Image.open(file) as image:
        # Turn the picture upright first: its orientation lives in the EXIF we drop.
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("RGB", "RGBA", "L", "LA"):
            upright = upright.convert("RGBA")
        # Pixels only: a fresh image carries no EXIF, XMP, ICC or text chunks.
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
    buffer = io.BytesIO()
    if kind == "jpeg":
        clean.convert("RGB").save(buffer, format="JPEG", quality=90)
    else:
        clean.save(buffer, format="PNG")
    file.seek(0)
    return ContentFile(buffer.getvalue(), name=base + EXTENSIONS[kind])
