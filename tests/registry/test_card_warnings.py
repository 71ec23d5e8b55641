"""A card that would scan red (or without a photo) is issued only after whoever issues it
has seen why, in the portal and in the admin; the verification page asks the resident to
compare the photo only when there is one, and offers no review on a red card."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registry.models import WorkerCard
from registry.services.cards import CardWarnings, card_issue
from registry.verification import card_issue_warnings
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
)
from tests.portal_clients import portal_client

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)
CARDS_ADMIN = "/admin/registry/workercard/"


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(NOW):
        yield


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 120, 90)).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def in_order(employment, *, photo=True, health=True, background="passed"):
    worker = employment.worker
    if photo:
        worker.photo = jpeg()
        worker.save()
    if health:
        HealthCertificateFactory(worker=worker, valid_to=datetime.date(2026, 12, 31))
    if background:
        BackgroundCheckFactory(
            worker=worker, result=background, checked_on=datetime.date(2025, 2, 1)
        )
    return employment


@pytest.fixture
def enterprise():
    return EnterpriseFactory(name="舟曲县格桑花家政服务有限公司")


@pytest.fixture
def portal(enterprise):
    return portal_client(enterprise)


CASES = [
    ({"background": None}, "未进行无犯罪记录核查"),
    ({"background": "failed"}, "无犯罪记录核查未通过"),
    ({"health": False}, "没有有效的健康证：未登记健康证"),
    ({"photo": False}, "未上传本人照片"),
]


@pytest.mark.parametrize(("missing", "warning"), CASES)
def test_each_problem_is_named_before_issuing(enterprise, missing, warning):
    employment = in_order(EmploymentFactory(enterprise=enterprise), **missing)
    warnings = card_issue_warnings(employment)
    assert len(warnings) == 1 and warning in warnings[0]
    with pytest.raises(CardWarnings):
        card_issue(actor=None, employment=employment)
    assert not WorkerCard.objects.exists()
    assert card_issue(actor=None, employment=employment, warnings_confirmed=True).is_valid


def test_an_expired_or_unverified_health_certificate_is_named(enterprise):
    expired = in_order(EmploymentFactory(enterprise=enterprise), health=False)
    HealthCertificateFactory(
        worker=expired.worker,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2025, 1, 1),
    )
    assert card_issue_warnings(expired) == ["健康证已于2025年1月1日过期"]
    unverified = in_order(EmploymentFactory(enterprise=enterprise), health=False)
    HealthCertificateFactory(worker=unverified.worker, verified=False)
    assert card_issue_warnings(unverified) == ["没有有效的健康证：健康证尚未经核验"]


def test_a_worker_in_order_gets_the_card_at_once(portal, enterprise):
    employment = in_order(EmploymentFactory(enterprise=enterprise))
    assert card_issue_warnings(employment) == []
    url = reverse("portal:card_issue", kwargs={"pk": employment.pk})
    response = portal.post(url, follow=True)
    assert "已为" in response.content.decode() and WorkerCard.objects.get().is_valid


@pytest.mark.parametrize(("missing", "warning"), CASES)
def test_the_portal_warns_and_issues_only_when_confirmed(portal, enterprise, missing, warning):
    employment = in_order(EmploymentFactory(enterprise=enterprise), **missing)
    url = reverse("portal:card_issue", kwargs={"pk": employment.pk})
    page = portal.post(url)
    html = page.content.decode()
    assert page.status_code == 200 and "发放服务证前请核对" in html and warning in html
    assert "仍然发证" in html and 'name="confirm" value="1"' in html
    assert not WorkerCard.objects.exists()
    portal.post(url, {"confirm": "1"})
    assert WorkerCard.objects.get().employment == employment


@pytest.mark.parametrize(("missing", "warning"), CASES)
def test_the_admin_warns_and_issues_only_when_confirmed(staff_client, enterprise, missing, warning):
    employment = in_order(EmploymentFactory(enterprise=enterprise), **missing)
    page = staff_client.post(CARDS_ADMIN + "add/", {"worker": employment.worker_id})
    html = page.content.decode()
    assert page.status_code == 200 and warning in html and "居民扫码时会看到下列问题" in html
    assert not WorkerCard.objects.exists()
    done = staff_client.post(
        CARDS_ADMIN + "add/", {"worker": employment.worker_id, "warnings_confirmed": "on"}
    )
    assert done.status_code == 302 and WorkerCard.objects.get().employment == employment


def test_the_admin_issues_a_card_in_order_without_the_confirmation(staff_client, enterprise):
    employment = in_order(EmploymentFactory(enterprise=enterprise))
    response = staff_client.post(CARDS_ADMIN + "add/", {"worker": employment.worker_id})
    assert response.status_code == 302 and WorkerCard.objects.exists()


# --- The verification page ----------------------------------------------------------------


def verify(client, card) -> str:
    return client.get(reverse("verify", kwargs={"token": card.token})).content.decode()


def test_compare_the_photo_only_when_there_is_one(client, enterprise):
    with_photo = in_order(EmploymentFactory(enterprise=enterprise))
    without = in_order(EmploymentFactory(enterprise=enterprise), photo=False)
    html = verify(client, card_issue(actor=None, employment=with_photo))
    assert "请核对照片" in html
    html = verify(client, card_issue(actor=None, employment=without, warnings_confirmed=True))
    assert "请核对照片" not in html and "出示身份证" in html


@pytest.mark.parametrize("missing", [{"background": None}, {"background": "failed"}])
def test_no_review_is_offered_on_a_red_card(client, enterprise, missing):
    employment = in_order(EmploymentFactory(enterprise=enterprise), **missing)
    html = verify(client, card_issue(actor=None, employment=employment, warnings_confirmed=True))
    assert "核验未通过" in html
    assert "评价这次服务" not in html
    assert f"{reverse('reviews:new')}?worker=" not in html
    assert "我要投诉" in html


def test_a_green_card_offers_the_review(client, enterprise):
    employment = in_order(EmploymentFactory(enterprise=enterprise))
    html = verify(client, card_issue(actor=None, employment=employment))
    assert "核验通过" in html and "评价这次服务" in html
