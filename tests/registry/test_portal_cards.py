"""Portal pages of the home-service cards: list, issue, reissue, revoke, print one card or an
A4 sheet with QR codes pointing to /verify/<token>/, and the wall between enterprises."""

import datetime
import io
import re

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from portal.services import portal_account_create
from registry.models import WorkerCard
from registry.services import employment_end
from registry.services.cards import card_issue
from tests.factories.registry import EmploymentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def portal_client(enterprise, username: str, mobile: str) -> Client:
    account, _ = portal_account_create(
        actor=None, enterprise=enterprise, username=username, mobile=mobile
    )
    client = Client()
    client.force_login(account.user)
    client.user = account.user
    return client


@pytest.fixture
def enterprise_a():
    return EnterpriseFactory(name="舟曲县安心家政服务有限公司")


@pytest.fixture
def enterprise_b():
    return EnterpriseFactory(name="舟曲县白龙江家政服务部")


@pytest.fixture
def client_a(enterprise_a):
    return portal_client(enterprise_a, "anxin", "13909418001")


@pytest.fixture
def card_b(enterprise_b):
    """A card of enterprise B, which enterprise A must never reach."""
    return card_issue(
        actor=None, warnings_confirmed=True, employment=EmploymentFactory(enterprise=enterprise_b)
    )


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(border=2, omitsize=True, svgclass="card-qr-svg")


# --- The list and the three actions -------------------------------------------------------------


def test_the_list_shows_current_workers_and_their_cards(client_a, enterprise_a):
    with_card = EmploymentFactory(enterprise=enterprise_a, worker__name="卓玛草", position="育婴员")
    EmploymentFactory(enterprise=enterprise_a, worker__name="马秀英")
    left = EmploymentFactory(enterprise=enterprise_a, worker__name="杨离职")
    employment_end(actor=None, employment=left, ended_on=datetime.date(2025, 6, 1))
    card = card_issue(actor=None, warnings_confirmed=True, employment=with_card)
    response = client_a.get(reverse("portal:cards"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "卓玛草" in html and card.number in html and "马秀英" in html and "未发证" in html
    assert "杨离职" not in html
    assert f'href="{reverse("portal:cards")}"' in html and ">服务证<" in html  # navigation


def test_the_list_runs_a_fixed_number_of_queries(
    client_a, enterprise_a, django_assert_max_num_queries
):
    for _ in range(15):
        card_issue(
            actor=None,
            warnings_confirmed=True,
            employment=EmploymentFactory(enterprise=enterprise_a),
        )
    with django_assert_max_num_queries(12):
        client_a.get(reverse("portal:cards"))


def test_issue_reissue_and_revoke(client_a, enterprise_a):
    employment = EmploymentFactory(enterprise=enterprise_a, worker__name="卓玛草")
    issue_url = reverse("portal:card_issue", kwargs={"pk": employment.pk})
    assert client_a.get(issue_url).status_code == 405
    response = client_a.post(issue_url, {"confirm": "1"}, follow=True)
    card = WorkerCard.objects.get(employment=employment)
    assert card.issued_by == client_a.user and card.is_valid
    assert f"已为卓玛草发放服务证，证号{card.number}" in response.content.decode()

    reissue_url = reverse("portal:card_reissue", kwargs={"pk": card.pk})
    page = client_a.get(reissue_url).content.decode()
    assert "补发后原证立即作废" in page and card.number in page
    client_a.post(reissue_url, {"reason": "证件遗失", "detail": "在雇主家中遗失"})
    card.refresh_from_db()
    assert card.revoked_reason == "已补发新证（证件遗失：在雇主家中遗失）"
    new = WorkerCard.objects.get(employment=employment, revoked_at__isnull=True)
    assert new.history.first().history_user == client_a.user

    revoke_url = reverse("portal:card_revoke", kwargs={"pk": new.pk})
    assert client_a.post(revoke_url, {"reason": "不存在的原因"}).status_code == 200  # form again
    client_a.post(revoke_url, {"reason": "停止上门服务"})
    new.refresh_from_db()
    assert (
        new.revoked_reason == "停止上门服务" and new.history.first().history_user == client_a.user
    )
    # A revoked card can be neither revoked again nor printed.
    assert client_a.get(revoke_url).status_code == 404
    assert client_a.get(reverse("portal:card_print", kwargs={"pk": new.pk})).status_code == 404


# --- Printing ---------------------------------------------------------------------------------


def test_the_printable_card_has_a_qr_code_pointing_to_the_verification_page(client_a, enterprise_a):
    employment = EmploymentFactory(enterprise=enterprise_a, worker__name="卓玛草")
    card = card_issue(actor=None, warnings_confirmed=True, employment=employment)
    html = client_a.get(reverse("portal:card_print", kwargs={"pk": card.pk})).content.decode()
    url = f"http://testserver/verify/{card.token}/"
    assert qr_svg(url) in html and url in html
    assert "居家上门服务证" in html and "卓玛草" in html and card.number in html
    assert enterprise_a.name in html and "85.6×54毫米" in html
    assert "<script" not in html and not re.search(
        r'(?:src|href)="(?:https?:)?//(?!testserver)', html
    )
    # The link works: it is the worker's verification page.
    assert Client().get(url).status_code == 200


def test_the_qr_code_uses_the_address_the_portal_is_reached_at(client_a, enterprise_a, settings):
    settings.ALLOWED_HOSTS = ["jiazheng.zhouqu.gov.cn"]
    card = card_issue(
        actor=None, warnings_confirmed=True, employment=EmploymentFactory(enterprise=enterprise_a)
    )
    html = client_a.get(
        reverse("portal:card_print", kwargs={"pk": card.pk}),
        HTTP_HOST="jiazheng.zhouqu.gov.cn",
        secure=True,
    ).content.decode()
    assert qr_svg(f"https://jiazheng.zhouqu.gov.cn/verify/{card.token}/") in html


def test_the_a4_sheet_puts_ten_cards_on_a_page(client_a, enterprise_a):
    cards = [
        card_issue(
            actor=None,
            warnings_confirmed=True,
            employment=EmploymentFactory(enterprise=enterprise_a),
        )
        for _ in range(12)
    ]
    html = client_a.get(reverse("portal:card_sheet")).content.decode()
    pages = html.split('<section class="sheet-page"')[1:]
    assert [page.count('class="service-card"') for page in pages] == [10, 2]
    assert all(qr_svg(f"http://testserver/verify/{card.token}/") in html for card in cards)
    chosen = client_a.get(reverse("portal:card_sheet"), {"card": [cards[0].pk, cards[5].pk]})
    chosen_html = chosen.content.decode()
    assert chosen_html.count('class="service-card"') == 2
    assert cards[0].number in chosen_html and cards[1].number not in chosen_html


def test_the_photo_on_the_card_is_served_to_its_enterprise(client_a, enterprise_a):
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), (180, 120, 90)).save(buffer, format="JPEG")
    employment = EmploymentFactory(
        enterprise=enterprise_a,
        worker__photo=SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg"),
    )
    card = card_issue(actor=None, warnings_confirmed=True, employment=employment)
    photo_url = reverse("portal:card_photo", kwargs={"pk": card.pk})
    assert (
        f'src="{photo_url}"'
        in client_a.get(reverse("portal:card_print", kwargs={"pk": card.pk})).content.decode()
    )
    response = client_a.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


# --- Access control ---------------------------------------------------------------------------


def test_enterprise_a_cannot_reach_enterprise_bs_cards_by_get_or_post(client_a, card_b):
    before = WorkerCard.objects.values_list("pk", "revoked_at", "revoked_reason").order_by("pk")
    before = list(before)
    pk = {"pk": card_b.pk}
    for name in ("card_print", "card_photo", "card_revoke", "card_reissue"):
        assert client_a.get(reverse(f"portal:{name}", kwargs=pk)).status_code == 404, name
    for name in ("card_revoke", "card_reissue"):
        response = client_a.post(reverse(f"portal:{name}", kwargs=pk), {"reason": "其他"})
        assert response.status_code == 404, name
    # Issuing on B's employment, or printing B's card on a sheet.
    issue_url = reverse("portal:card_issue", kwargs={"pk": card_b.employment_id})
    assert client_a.post(issue_url).status_code == 404
    assert client_a.get(reverse("portal:card_sheet"), {"card": card_b.pk}).status_code == 404
    assert client_a.get(reverse("portal:card_sheet"), {"card": "1 OR 1=1"}).status_code == 404
    # B's card appears nowhere in A's pages, and nothing changed.
    assert card_b.number not in client_a.get(reverse("portal:cards")).content.decode()
    assert card_b.number not in client_a.get(reverse("portal:card_sheet")).content.decode()
    after = WorkerCard.objects.values_list("pk", "revoked_at", "revoked_reason").order_by("pk")
    assert list(after) == before and WorkerCard.objects.count() == 1


def test_staff_and_anonymous_users_are_not_portal_users(card_b, staff_client):
    url = reverse("portal:card_print", kwargs={"pk": card_b.pk})
    assert staff_client.get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))
    assert Client().post(reverse("portal:card_revoke", kwargs={"pk": card_b.pk})).status_code == 302
    card_b.refresh_from_db()
    assert card_b.is_valid
