import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.files import sanitised_upload, validate_image_upload, validate_upload
from registry.models import HealthCertificate
from registry.services import record_save
from tests.factories.registry import WorkerFactory


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (34.0, 12.0, 0.0), 4: (104.0, 22.0, 0.0)}  # GPS position
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_program_renamed_to_jpg_is_refused():
    disguised = upload("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "image/jpeg")
    with pytest.raises(ValidationError) as exc:
        validate_upload(disguised)
    assert "只接受JPG、PNG、PDF格式" in exc.value.messages[0]


def test_a_pdf_is_not_a_photo():
    with pytest.raises(ValidationError):
        validate_image_upload(upload("a.jpg", b"%PDF-1.7\n..."))


def test_a_truncated_image_is_refused():
    broken = jpeg_with_gps()[:60]
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("a.jpg", broken))
    assert "图片文件已损坏" in exc.value.messages[0]


def test_files_over_the_limit_are_refused():
    big = upload("a.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        validate_upload(big)
    assert "文件过大" in exc.value.messages[0]


def test_image_metadata_is_stripped():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()
    clean = sanitised_upload(upload("IMG_0001.jpeg", original))
    assert clean.name == "IMG_0001.jpg"
    assert not Image.open(io.BytesIO(clean.read())).getexif()


@pytest.mark.django_db
def test_saved_scans_have_no_metadata(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    certificate = HealthCertificate(
        worker=WorkerFactory(),
        valid_from="2025-01-01",
        valid_to="2026-01-01",
        scan=upload("scan.jpg", jpeg_with_gps(), "image/jpeg"),
    )
    record_save(actor=None, record=certificate)
    with certificate.scan.open("rb") as stored:
        assert not Image.open(stored).getexif()
