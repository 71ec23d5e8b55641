"""The worker chooses whether the honour roll and its posters show their full name and
photo: recorded with history, withdrawable, and withdrawn at once; masked and without photo
otherwise, as before."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registry.models import PublicNameConsent
from registry.services.consents import public_name_consent_give, public_name_consent_withdraw
from reporting import posters
from tests.factories.credit_workflows import PUBLISHED_AT
from tests.factories.incentives import grade
from tests.factories.registry import EmploymentFactory, WorkerFactory

from .worker_sign_in import sign_in

pytestmark = pytest.mark.django_db

MOBILE = "13809417123"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "navy").save(buffer, format="JPEG")
    return SimpleUploadedFile("face.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def honoured():
    worker = WorkerFactory(name="扎西卓玛", phone=MOBILE, photo=jpeg())
    EmploymentFactory(worker=worker)
    grade(worker, "AAA")
    return worker


def roll_page(client) -> str:
    return client.get(reverse("credit:honor_roll")).content.decode()


def photo_url(worker) -> str:
    return reverse("credit:honor_roll_photo", args=[2025, worker.pk])


def worker_poster(client, worker) -> str:
    return client.get(reverse("posters:worker", args=[2025, worker.pk])).content.decode()


def test_without_consent_the_name_is_masked_and_no_photo_is_shown(client, honoured):
    page = roll_page(client)
    assert "扎**玛" in page and "扎西卓玛" not in page
    assert photo_url(honoured) not in page
    assert client.get(photo_url(honoured)).status_code == 404
    assert "扎西卓玛" not in worker_poster(client, honoured)


def test_with_consent_the_full_name_and_photo_are_shown(client, honoured):
    public_name_consent_give(worker=honoured)
    page = roll_page(client)
    assert "扎西卓玛" in page and photo_url(honoured) in page
    response = client.get(photo_url(honoured))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    poster = worker_poster(client, honoured)
    assert "扎西卓玛" in poster and photo_url(honoured) in poster
    assert [p.name for p in posters.posters_for_year(2025, lambda p: p)] == ["扎西卓玛"]


def test_withdrawing_takes_effect_at_once(client, honoured):
    public_name_consent_give(worker=honoured)
    assert "扎西卓玛" in roll_page(client)
    public_name_consent_withdraw(worker=honoured)
    assert "扎西卓玛" not in roll_page(client)
    assert client.get(photo_url(honoured)).status_code == 404
    assert "扎西卓玛" not in worker_poster(client, honoured)


def test_the_home_page_keeps_the_masked_name(client, honoured):
    public_name_consent_give(worker=honoured)
    assert "扎西卓玛" not in client.get("/").content.decode()


def test_a_worker_not_honoured_has_no_public_photo_even_with_consent(client, honoured):
    other = WorkerFactory(name="李梅", phone="13809417124", photo=jpeg())
    grade(other, "A")
    public_name_consent_give(worker=other)
    assert client.get(photo_url(other)).status_code == 404
    assert "李梅" not in roll_page(client)


def test_the_worker_gives_and_withdraws_consent_on_their_record(
    client, honoured, sms, django_capture_on_commit_callbacks
):
    sign_in(client, MOBILE, sms, django_capture_on_commit_callbacks)
    page = client.get(reverse("workers:record")).content.decode()
    assert "只显示您姓名的首尾字，不显示照片" in page
    response = client.post(reverse("workers:consent"), {"decision": "give"}, follow=True)
    assert "已记录您的同意" in response.content.decode()
    assert "扎西卓玛" in roll_page(client)
    response = client.post(reverse("workers:consent"), {"decision": "withdraw"}, follow=True)
    assert "已撤回同意" in response.content.decode()
    assert "扎西卓玛" not in roll_page(client)
    consent = PublicNameConsent.objects.get()
    assert consent.withdrawn_at is not None
    assert [h.history_type for h in consent.history.order_by("history_id")] == ["+", "~"]


def test_a_bad_choice_changes_nothing(client, honoured, sms, django_capture_on_commit_callbacks):
    sign_in(client, MOBILE, sms, django_capture_on_commit_callbacks)
    response = client.post(reverse("workers:consent"), {"decision": "maybe"}, follow=True)
    assert "请选择是否同意公开全名和照片。" in response.content.decode()
    assert not PublicNameConsent.objects.exists()


def test_consenting_twice_keeps_one_consent(honoured):
    first = public_name_consent_give(worker=honoured)
    assert public_name_consent_give(worker=honoured) == first
    assert PublicNameConsent.objects.count() == 1
    public_name_consent_withdraw(worker=honoured)
    public_name_consent_give(worker=honoured)
    assert PublicNameConsent.objects.current().count() == 1
    assert PublicNameConsent.objects.count() == 2
