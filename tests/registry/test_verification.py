"""The public verification page behind the card's QR code: the three lights and their
reasons, revoked and unknown cards, what is never shown, the photo, and the rate limit."""

import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from credit.models import EvaluationStandard, Rating
from credit.services.management import key_list_add
from registry.models import Enterprise, WorkerCard
from registry.selectors import worker_ref
from registry.services import employment_end
from registry.services.cards import card_issue, card_reissue
from registry.verification import (
    GREEN,
    RED,
    YELLOW,
    valid_card_ids,
    verification_for_token,
)
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    HealthCertificateFactory,
    SkillFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)
TODAY = datetime.date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def employment():
    return EmploymentFactory(
        worker__name="卓玛草",
        worker__id_number="623023198503120020",
        worker__phone="13809417777",
        worker__address="城关镇东街88号",
        enterprise__name="舟曲县格桑花家政服务有限公司",
        enterprise__phone="13909418899",
        position="育婴员",
    )


def issue(employment, *, health=TODAY + datetime.timedelta(days=400), background="passed"):
    """A card for `employment`'s worker with a health certificate ending on `health`
    (None: no certificate) and a background check with the given result (None: none)."""
    worker = employment.worker
    if health is not None:
        HealthCertificateFactory(
            worker=worker, valid_from=datetime.date(2025, 1, 1), valid_to=health
        )
    if background is not None:
        BackgroundCheckFactory(
            worker=worker, result=background, checked_on=datetime.date(2025, 2, 1)
        )
    return card_issue(actor=None, warnings_confirmed=True, employment=employment)


def page(client, card_or_token, status=200):
    token = getattr(card_or_token, "token", card_or_token)
    response = client.get(reverse("verify", kwargs={"token": token}))
    assert response.status_code == status
    return response.content.decode()


def texts(verification, level):
    return [f.text for f in verification.findings if f.level == level]


# --- The three lights -----------------------------------------------------------------------


def test_green_when_everything_is_in_order(client, employment):
    SkillFactory(worker=employment.worker)
    TrainingFactory(worker=employment.worker, course="母婴护理专项培训", hours=Decimal("40"))
    card = issue(employment)
    verification = verification_for_token(card.token)
    assert verification.light == GREEN and verification.problems == []
    assert texts(verification, GREEN) == [
        "身份信息已登记核验",
        "受雇于舟曲县格桑花家政服务有限公司，在职",
        "健康证有效，有效期至2026年12月25日",
        "无犯罪记录核查已通过（2025年2月1日）",
    ]
    html = page(client, card)
    assert "核验通过" in html and "light-green" in html
    assert "卓玛草" in html and "舟曲县格桑花家政服务有限公司" in html and card.number in html
    assert "家政服务员 · 四级/中级工" in html
    assert "母婴护理专项培训（40学时，2025年4月结业）" in html
    assert "暂无评价结果" in html  # no final rating yet


@pytest.mark.parametrize(
    ("health", "reason"),
    [
        (TODAY + datetime.timedelta(days=30), "健康证将于2025年12月20日到期"),
        (TODAY, "健康证将于2025年11月20日到期"),
        (None, "未登记健康证"),
    ],
)
def test_yellow_when_the_health_certificate_expires_soon_or_is_missing(
    client, employment, health, reason
):
    card = issue(employment, health=health)
    verification = verification_for_token(card.token)
    assert verification.light == YELLOW
    assert [f.text for f in verification.problems] == [reason]
    html = page(client, card)
    assert "请注意" in html and "light-yellow" in html and reason in html


def test_an_unverified_health_certificate_does_not_count(employment):
    HealthCertificateFactory(worker=employment.worker, verified=False)
    card = issue(employment, health=None)
    assert texts(verification_for_token(card.token), YELLOW) == ["健康证尚未经核验"]


@pytest.mark.parametrize(
    ("health", "background", "reason"),
    [
        (datetime.date(2025, 9, 30), "passed", "健康证已于2025年9月30日过期"),
        (TODAY + datetime.timedelta(days=400), "failed", "无犯罪记录核查未通过"),
        (TODAY + datetime.timedelta(days=400), None, "未进行无犯罪记录核查"),
        (TODAY + datetime.timedelta(days=400), "pending", "无犯罪记录核查尚未完成"),
    ],
)
def test_red_for_each_reason_about_the_worker(client, employment, health, background, reason):
    card = issue(employment, health=health, background=background)
    verification = verification_for_token(card.token)
    assert verification.light == RED and [f.text for f in verification.problems] == [reason]
    html = page(client, card)
    assert "核验未通过" in html and "light-red" in html and reason in html


def test_red_when_the_employer_is_on_the_key_management_list(client, employment):
    key_list_add(
        actor=None,
        reason="严重失信",
        basis="虚假宣传，情节严重",
        starts_on=datetime.date(2025, 6, 1),
        enterprise=employment.enterprise,
    )
    card = issue(employment)
    verification = verification_for_token(card.token)
    assert verification.light == RED
    assert texts(verification, RED) == ["所在企业已被列入重点管理名单"]
    assert "所在企业已被列入重点管理名单" in page(client, card)


def test_red_when_the_worker_is_on_the_key_management_list(employment):
    key_list_add(
        actor=None,
        reason="严重失信",
        basis="盗窃雇主财物",
        starts_on=datetime.date(2025, 6, 1),
        worker=employment.worker,
    )
    card = issue(employment)
    assert texts(verification_for_token(card.token), RED) == ["该从业人员已被列入重点管理名单"]


def test_red_when_the_employer_no_longer_operates(employment):
    card = issue(employment)
    Enterprise.objects.filter(pk=employment.enterprise_id).update(
        business_status=Enterprise.BusinessStatus.SUSPENDED
    )
    assert texts(verification_for_token(card.token), RED) == ["所在企业已歇业"]


def test_red_wins_over_yellow_and_every_reason_is_given(employment):
    card = issue(employment, health=None, background="failed")
    verification = verification_for_token(card.token)
    assert verification.light == RED
    # Problems come first, the worst on top.
    assert [(f.level, f.text) for f in verification.problems] == [
        (RED, "无犯罪记录核查未通过"),
        (YELLOW, "未登记健康证"),
    ]


def test_the_latest_background_check_with_a_result_decides(employment):
    BackgroundCheckFactory(
        worker=employment.worker, result="failed", checked_on=datetime.date(2024, 1, 5)
    )
    BackgroundCheckFactory(
        worker=employment.worker, result="pending", checked_on=datetime.date(2025, 10, 1)
    )
    card = issue(employment)  # passed on 2025-02-01
    assert verification_for_token(card.token).light == GREEN


def test_the_employers_latest_final_grade_is_shown(client, employment):
    standard = EvaluationStandard.objects.get(year=2025, subject_type="enterprise", status="active")
    for year, grade, status in [(2024, "AA", "final"), (2025, "AAA", "publicised")]:
        Rating.objects.create(
            enterprise=employment.enterprise, year=year, standard=standard,
            compliance=Decimal("28"), quality=Decimal("22"), reputation=Decimal("22"),
            commitment=Decimal("18"), total=Decimal("90"), grade=grade, status=status,
            computed_at=NOW,
        )  # fmt: skip
    card = issue(employment)
    assert verification_for_token(card.token).employer_grade == "AA 诚信良好（2024年度）"
    assert "AA 诚信良好（2024年度）" in page(client, card)


# --- Unknown and revoked cards ----------------------------------------------------------------


def test_an_unknown_token_shows_a_clear_warning(client):
    html = page(client, "no-such-token-abcdefghijklmnop", status=404)
    assert "未找到该服务证" in html and "请暂停接受上门服务" in html
    assert reverse("complaints:new") in html


def test_an_overlong_token_is_unknown_not_an_error(client):
    assert "未找到该服务证" in page(client, "x" * 300, status=404)


def test_a_revoked_card_shows_a_warning_and_not_the_worker(client, employment):
    card = issue(employment)
    card_reissue(actor=None, card=card, reason="证件遗失")
    html = page(client, card, status=410)
    assert "此服务证已作废" in html and "2025年11月20日" in html
    assert "卓玛草" not in html and card.number not in html


def test_a_card_of_a_worker_who_left_shows_a_warning(client, employment):
    card = issue(employment)
    employment_end(actor=None, employment=employment, ended_on=TODAY)
    html = page(client, card, status=410)
    assert "此服务证已作废" in html and "卓玛草" not in html


def test_the_cards_validity_read_on_every_scan_agrees_with_the_register(employment):
    """valid_card_ids runs a query compiled once; it must answer as WorkerCard.valid() does
    for a valid, a reissued (revoked), an ended and an unknown card, in one query each."""

    def expected(token):
        return (
            WorkerCard.objects.valid()
            .filter(token=token)
            .values_list("pk", "employment_id", "employment__enterprise__business_status")
            .first()
        )

    revoked = issue(employment)
    valid = card_reissue(actor=None, card=revoked, reason="证件遗失")
    other = EmploymentFactory()
    ended = issue(other)
    employment_end(actor=None, employment=other, ended_on=TODAY)
    Enterprise.objects.filter(pk=employment.enterprise_id).update(business_status="revoked")
    answers = {}
    for token in (valid.token, revoked.token, ended.token, "no-such-token", "x" * 64):
        with CaptureQueriesContext(connection) as queries:
            answers[token] = valid_card_ids(token)
        assert len(queries) == 1
        assert answers[token] == expected(token)
    assert answers[valid.token] == (valid.pk, employment.pk, "revoked")
    assert [answers[t] for t in (revoked.token, ended.token, "no-such-token")] == [None] * 3


# --- What the page shows and links to -----------------------------------------------------------


def test_no_id_number_phone_or_address(client, employment):
    worker = employment.worker
    html = page(client, issue(employment))
    for secret in (
        "623023198503120020", worker.id_number_masked, worker.id_last4 + "<",
        "13809417777", "城关镇东街88号", "13909418899", employment.enterprise.business_address,
    ):  # fmt: skip
        assert secret not in html, secret
    assert not re.search(r"1[3-9]\d{9}", html)


def test_rate_and_complain_buttons_carry_the_signed_worker_reference(client, employment):
    html = page(client, issue(employment))
    ref = worker_ref(employment.worker)
    review = f"{reverse('reviews:new')}?worker={ref}"
    complaint = f"{reverse('complaints:new')}?worker={ref}"
    assert f'href="{review}"' in html and "评价这次服务" in html
    assert f'href="{complaint}"' in html and "我要投诉" in html
    # The complaint form accepts the reference and names the worker.
    assert "卓玛草" in client.get(complaint).content.decode()


def test_the_page_is_not_cached_nor_indexed_and_needs_nothing_from_outside(client, employment):
    card = issue(employment)
    response = client.get(reverse("verify", kwargs={"token": card.token}))
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    html = response.content.decode()
    assert "<script" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_the_query_count_does_not_depend_on_the_records(
    client, employment, django_assert_max_num_queries
):
    for _ in range(5):
        SkillFactory(worker=employment.worker)
        TrainingFactory(worker=employment.worker)
        HealthCertificateFactory(worker=employment.worker)
    card = issue(employment)
    with django_assert_max_num_queries(14):
        page(client, card)


# --- The photo ------------------------------------------------------------------------------


def jpeg(size=(1200, 1600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 90)).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_the_photo_is_served_small_and_only_while_the_card_is_valid(client, employment):
    worker = employment.worker
    worker.photo = jpeg()
    worker.save()
    card = issue(employment)
    photo_url = reverse("verify_photo", kwargs={"token": card.token})
    assert f'src="{photo_url}"' in page(client, card)
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).size == (480, 640)
    # The stored file itself stays staff-only.
    assert client.get("/media/" + worker.photo.name).status_code in (302, 403)
    card_reissue(actor=None, card=card)
    assert client.get(photo_url).status_code == 404


def test_a_worker_without_a_photo_gets_a_placeholder(client, employment):
    card = issue(employment)
    html = page(client, card)
    assert "未上传照片" in html
    assert client.get(reverse("verify_photo", kwargs={"token": card.token})).status_code == 404


# --- Rate limit -------------------------------------------------------------------------------


def test_requests_are_rate_limited_per_address_with_a_chinese_message(client, employment, settings):
    settings.VERIFY_RATE_PER_IP = "3/m"
    card = issue(employment)
    for _ in range(3):
        page(client, card)
    html = page(client, card, status=429)
    assert "查询过于频繁，请稍后再试" in html and "卓玛草" not in html
    # Another address is not affected.
    other = client.get(reverse("verify", kwargs={"token": card.token}), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
