"""The home-service card as a PNG picture, for a worker's phone: reached like its print page
(the enterprise's own cards only), shown there as an image to long-press, saying what the
card says, with the QR code of the card's verification address."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageChops

from core.pictures import qr_image
from registry import card_picture
from registry.services.cards import card_issue, card_revoke
from tests.factories.registry import EmploymentFactory, EnterpriseFactory
from tests.registry.test_portal_cards import portal_client
from tests.user_agents import WECHAT

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise_a():
    return EnterpriseFactory(name="舟曲县安心家政服务有限公司")


@pytest.fixture
def client_a(enterprise_a):
    return portal_client(enterprise_a, "anxin", "13909418001")


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), (0, 0, 128)).save(buffer, format="JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def picture_url(card) -> str:
    return reverse("portal:card_picture", kwargs={"pk": card.pk})


def test_the_card_picture_says_what_the_card_says(client_a, enterprise_a):
    employment = EmploymentFactory(
        enterprise=enterprise_a, worker__name="卓玛草", worker__photo=jpeg()
    )
    card = card_issue(actor=None, warnings_confirmed=True, employment=employment)
    response = client_a.get(picture_url(card))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (card_picture.WIDTH, card_picture.HEIGHT)
    url = f"http://testserver/verify/{card.token}/"
    assert image.text == {
        "Title": "居家上门服务证",
        "Name": "卓玛草",
        "Enterprise": "舟曲县安心家政服务有限公司",
        "Number": card.number,
        "Issued": date_filter(card.issued_at, "Y-m-d"),
        "URL": url,
    }
    # The QR code, pixel for pixel, where the card draws it.
    expected = qr_image(url, card_picture.QR_SIZE)
    left = card_picture.QR_AT[0] + (card_picture.QR_SIZE - expected.width) // 2
    top = card_picture.QR_AT[1] + (card_picture.QR_SIZE - expected.height) // 2
    drawn = image.convert("RGB").crop((left, top, left + expected.width, top + expected.height))
    assert ImageChops.difference(drawn, expected).getbbox() is None
    # The photo is in its frame.
    x, y, w, h = card_picture.PHOTO_BOX
    r, g, b = image.convert("RGB").getpixel((x + w // 2, y + h // 2))
    assert r < 40 and g < 40 and b > 90


def test_the_print_page_shows_the_picture_to_long_press_and_hints_in_wechat(client_a, enterprise_a):
    card = card_issue(
        actor=None, warnings_confirmed=True, employment=EmploymentFactory(enterprise=enterprise_a)
    )
    print_url = reverse("portal:card_print", kwargs={"pk": card.pk})
    html = client_a.get(print_url).content.decode()
    assert f'src="{picture_url(card)}"' in html and "长按图片保存" in html
    assert "wechat-hint" not in html
    response = client_a.get(print_url, HTTP_USER_AGENT=WECHAT)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'src="{picture_url(card)}"' in html and "您正在微信中浏览" in html
    assert 'target="_blank"' not in html and "window.open" not in html


def test_only_the_cards_enterprise_gets_the_picture(client_a, enterprise_a, staff_client):
    other = card_issue(
        actor=None,
        warnings_confirmed=True,
        employment=EmploymentFactory(enterprise=EnterpriseFactory(name="舟曲县白龙江家政服务部")),
    )
    assert client_a.get(picture_url(other)).status_code == 404
    assert client_a.get(reverse("portal:card_picture", kwargs={"pk": 999999})).status_code == 404
    anonymous = Client().get(picture_url(other))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("portal:login"))
    assert staff_client.get(picture_url(other)).status_code == 403
    # A revoked card has no picture, as it has no print page.
    own = card_issue(
        actor=None, warnings_confirmed=True, employment=EmploymentFactory(enterprise=enterprise_a)
    )
    assert client_a.get(picture_url(own)).status_code == 200
    card_revoke(actor=None, card=own, reason="证件遗失")
    assert client_a.get(picture_url(own)).status_code == 404
    assert client_a.post(picture_url(own)).status_code in (403, 405)
