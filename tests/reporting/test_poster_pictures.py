"""Honour-roll posters as PNG pictures for phones (WeChat saves an image by a long press but
cannot print a page): public like the poster pages, with the same names, photo rule and 404s,
and the QR code of the same address."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageChops

from core.pictures import qr_image
from registry.services.consents import public_name_consent_give
from reporting import poster_picture, posters
from tests.factories.credit_workflows import PUBLISHED_AT
from tests.factories.incentives import grade
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory
from tests.user_agents import WECHAT

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False):
        yield


def jpeg(colour: str = "navy") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("face.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def roll():
    aaa = EnterpriseFactory(name="舟曲县巾帼家政服务有限公司")
    grade(aaa, "AAA")
    aa = EnterpriseFactory(name="良好家政公司")
    grade(aa, "AA")
    worker = WorkerFactory(name="扎西卓玛", photo=jpeg())
    EmploymentFactory(worker=worker, enterprise=aaa)
    grade(worker, "AAA")
    return {"aaa": aaa, "aa": aa, "worker": worker}


def picture(client, kind: str, pk: int, **headers):
    response = client.get(reverse(f"posters:{kind}_picture", args=[YEAR, pk]), **headers)
    image = Image.open(io.BytesIO(response.content)) if response.status_code == 200 else None
    return response, image


def shows_qr_code(image: Image.Image, url: str) -> bool:
    """Whether the poster shows, pixel for pixel, the QR code of `url` where it belongs:
    centred across the page (somewhere down it)."""
    expected = qr_image(url, poster_picture.QR_SIZE)
    rgb = image.convert("RGB")
    left = (poster_picture.WIDTH - poster_picture.QR_SIZE) // 2
    left += (poster_picture.QR_SIZE - expected.width) // 2
    for top in range(rgb.height // 3, rgb.height - expected.height):
        crop = rgb.crop((left, top, left + expected.width, top + expected.height))
        if ImageChops.difference(crop, expected).getbbox() is None:
            return True
    return False


def test_an_enterprise_poster_picture_shows_the_poster_and_encodes_its_lookup(client, roll):
    enterprise = roll["aaa"]
    response, image = picture(client, "enterprise", enterprise.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "inline" in response["Content-Disposition"]
    assert image.format == "PNG" and image.size == (1240, 1754)
    # What it says, from its text chunks: the same poster as the page.
    poster = posters.enterprise_poster(YEAR, enterprise.pk, lambda p: "http://testserver" + p)
    assert image.text["Name"] == "舟曲县巾帼家政服务有限公司"
    assert image.text["Grade"] == poster.grade_label
    assert image.text["Title"] == "2025年度诚信红榜 · AAA级诚信示范企业"
    assert image.text["URL"] == poster.target_url
    # The drawn QR code is, pixel for pixel, the code of the look-up address.
    assert shows_qr_code(image, poster.target_url)
    assert not shows_qr_code(image, poster.target_url + "x")


def test_nobody_off_the_honour_roll_has_a_picture(client, roll):
    assert picture(client, "enterprise", roll["aa"].pk)[0].status_code == 404
    plain = WorkerFactory(name="李梅")
    grade(plain, "A")
    assert picture(client, "worker", plain.pk)[0].status_code == 404
    assert picture(client, "enterprise", 999999)[0].status_code == 404
    # The picture, like the page, is only read: no other method.
    url = reverse("posters:enterprise_picture", args=[YEAR, roll["aaa"].pk])
    assert client.post(url).status_code == 405


def test_a_worker_picture_masks_the_name_and_leaves_out_the_photo_without_consent(client, roll):
    worker = roll["worker"]
    response, image = picture(client, "worker", worker.pk)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert image.text["Name"] == "扎**玛"
    assert "扎西卓玛" not in str(image.text)
    masked = image.convert("RGB")

    public_name_consent_give(worker=worker)
    response, image = picture(client, "worker", worker.pk)
    assert image.text["Name"] == "扎西卓玛"
    # The consenting worker's photo (navy) is on the picture; it was not before.
    navy = (0, 0, 128)

    def has_photo(img):
        return any(
            abs(r - navy[0]) < 20 and abs(g - navy[1]) < 20 and abs(b - navy[2]) < 30
            for r, g, b in img.resize((124, 175)).get_flattened_data()
        )

    assert has_photo(image.convert("RGB")) and not has_photo(masked)


def test_the_poster_page_offers_the_picture_to_long_press_and_hints_in_wechat(client, roll):
    url = reverse("posters:enterprise", args=[YEAR, roll["aaa"].pk])
    picture_url = reverse("posters:enterprise_picture", args=[YEAR, roll["aaa"].pk])
    plain = client.get(url).content.decode()
    assert f'src="{picture_url}"' in plain and "长按图片保存" in plain
    assert "wechat-hint" not in plain

    wechat = client.get(url, HTTP_USER_AGENT=WECHAT)
    assert wechat.status_code == 200
    html = wechat.content.decode()
    assert f'src="{picture_url}"' in html and "长按图片保存" in html
    assert "您正在微信中浏览" in html
    assert 'target="_blank"' not in html and "window.open" not in html
    # The year's sheet prints every poster; it has no single picture.
    sheet = client.get(reverse("posters:year", args=[YEAR])).content.decode()
    assert "长按图片保存" not in sheet
