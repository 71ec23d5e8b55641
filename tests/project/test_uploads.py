"""Oversized uploads are refused before they are read: a body announced larger than
UPLOAD_MAX_REQUEST_BYTES is answered 413 at once (the server does not wait for it), and a
single file past UPLOAD_MAX_FILE_BYTES stops being read. Either way the resident sees a
Chinese page and nothing is stored."""

import socket
import time
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Complaint
from tests.complaints.test_pages import NEW, form_data, png_bytes

MB = 1024 * 1024


def announce(live_server_url: str, path: str, length: int, sent: bytes) -> tuple[str, float]:
    """POST announcing `length` bytes but sending only `sent`; the server's first answer
    and how long it took (the client never sends the rest)."""
    address = urlsplit(live_server_url)
    with socket.create_connection((address.hostname, address.port), timeout=15) as conn:
        started = time.monotonic()
        conn.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
                "Content-Type: multipart/form-data; boundary=zq\r\n"
                # A browser that opened the form holds a CSRF cookie: the check then reads
                # the form for the token, which is what an unchecked upload waits for.
                f"Cookie: csrftoken={'a' * 32}\r\n"
                f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
            ).encode()
            + sent
        )
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError:
            return "", time.monotonic() - started
        return answer.decode("utf-8", "replace"), time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_a_300_mb_attachment_is_refused_before_the_body_is_read(live_server):
    head = b'--zq\r\nContent-Disposition: form-data; name="attachments"; filename="a.png"\r\n'
    answer, seconds = announce(live_server.url, NEW, 300 * MB, head + b"\x89PNG" + b"\0" * 4096)
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert seconds < 5
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_the_refusal_is_a_chinese_page(client, settings):
    response = client.post(
        NEW, form_data(), CONTENT_LENGTH=str(settings.UPLOAD_MAX_REQUEST_BYTES + 1)
    )
    page = response.content.decode()
    assert response.status_code == 413
    assert "上传的文件太大" in page and "52MB" in page and "返回重新填写" in page


@pytest.mark.django_db
def test_one_file_past_the_largest_file_limit_stops_being_read(client, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1 * MB
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (2 * MB), "image/png")
    response = client.post(NEW, {**form_data(), "attachments": [big]})
    assert response.status_code == 413
    assert "上传的文件太大" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_files_within_the_limits_are_still_taken(client, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1 * MB
    files = [SimpleUploadedFile(f"p{i}.png", png_bytes(), "image/png") for i in range(3)]
    response = client.post(NEW, {**form_data(), "attachments": files})
    assert response.status_code == 302
    assert Complaint.objects.get().attachments.count() == 3
