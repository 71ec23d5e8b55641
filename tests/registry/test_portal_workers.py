"""Workers through the portal: a new worker is registered once, a worker already in the
register is linked by the ID number's hash instead of duplicated, employments end with a
date and a reason, and uploaded certificates wait for staff verification before they
count. ID numbers are never shown in full; bad input changes nothing."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.personal_data import phone_plain
from registry.models import Employment, HealthCertificate, TrainingRecord, Worker
from registry.selectors import worker_missing_items
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
    WorkerFactory,
    make_id_number,
)
from tests.portal_fixtures import portal_user

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(datetime.date(1988, 6, 18), sequence=41)


@pytest.fixture
def portal():
    return portal_user()


def png(name="cert.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def add_data(**extra) -> dict:
    data = {
        "name": "才让卓玛",
        "id_number": ID_NUMBER,
        "phone": "13809411234",
        "ethnicity": "藏族",
        "position": "育婴员",
        "started_on": "2025-05-01",
    }
    data.update(extra)
    return data


def test_add_a_new_worker(portal):
    response = portal.client.post(reverse("portal:worker_add"), add_data())
    worker = Worker.objects.get()
    employment = Employment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:worker", args=[employment.pk])
    assert employment.enterprise == portal.enterprise and employment.ended_on is None
    assert employment.position == "育婴员" and worker.ethnicity == "藏族"
    assert worker.history.first().history_user == portal.user

    page = portal.client.get(response.url).content.decode()
    assert "才让卓玛" in page and worker.id_number_masked in page
    assert ID_NUMBER not in page and "138****1234" in page
    listing = portal.client.get(reverse("portal:workers")).content.decode()
    assert "才让卓玛" in listing and ID_NUMBER not in listing


def test_an_existing_worker_is_linked_not_duplicated(portal):
    worker = WorkerFactory(name="才让卓玛", id_number=ID_NUMBER, phone="13809410000")
    EmploymentFactory(worker=worker, enterprise=EnterpriseFactory(), started_on="2023-01-01")
    response = portal.client.post(
        reverse("portal:worker_add"), add_data(id_number=ID_NUMBER.lower()), follow=True
    )
    assert "已有档案，已关联到本企业，未重复建档" in response.content.decode()
    assert Worker.objects.count() == 1
    worker.refresh_from_db()
    assert (
        phone_plain(worker, "phone") == "13809410000"
    )  # the dossier is not rewritten by the employer
    assert Employment.objects.filter(
        worker=worker, enterprise=portal.enterprise, ended_on__isnull=True
    ).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")}, "校验位不正确"),
        ({"id_number": "62302319880618"}, "身份证号应为18位"),
        ({"id_number": ""}, "这个字段是必填项"),
        ({"phone": "1234"}, "手机号码应为11位数字"),
        ({"started_on": "2099-01-01"}, "入职日期不能晚于今天"),
        ({"name": ""}, "这个字段是必填项"),
    ],
)
def test_bad_worker_input_changes_nothing(portal, extra, message):
    response = portal.client.post(reverse("portal:worker_add"), add_data(**extra))
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert ID_NUMBER not in page  # never echoed back
    assert not Worker.objects.exists() and not Employment.objects.exists()


def test_worker_already_employed_here_or_a_different_name(portal):
    worker = WorkerFactory(name="才让卓玛", id_number=ID_NUMBER)
    EmploymentFactory(worker=worker, enterprise=portal.enterprise)
    response = portal.client.post(reverse("portal:worker_add"), add_data())
    assert "该人员已是本企业的在职人员" in response.content.decode()
    response = portal.client.post(reverse("portal:worker_add"), add_data(name="别人"))
    assert "姓名与该身份证号在档案中登记的姓名不一致" in response.content.decode()
    assert Employment.objects.count() == 1 and Worker.objects.count() == 1


def test_end_an_employment(portal):
    employment = EmploymentFactory(enterprise=portal.enterprise, started_on="2024-03-01")
    url = reverse("portal:worker_end", args=[employment.pk])
    assert "办理离职" in portal.client.get(url).content.decode()

    response = portal.client.post(url, {"ended_on": "2024-02-01", "reason": "个人原因"})
    assert "离职日期不能早于入职日期" in response.content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = portal.client.post(url, {"ended_on": tomorrow.isoformat(), "reason": "个人原因"})
    assert "离职日期不能晚于今天" in response.content.decode()
    response = portal.client.post(url, {"ended_on": "2025-06-30", "reason": ""})
    assert "这个字段是必填项" in response.content.decode()
    employment.refresh_from_db()
    assert employment.ended_on is None

    response = portal.client.post(url, {"ended_on": "2025-06-30", "reason": "合同到期"})
    assert response.status_code == 302
    employment.refresh_from_db()
    assert employment.ended_on == datetime.date(2025, 6, 30)
    assert employment.end_reason == "合同到期"
    assert employment.history.first().history_user == portal.user
    listing = portal.client.get(reverse("portal:workers")).content.decode()
    assert "离职人员" in listing and "合同到期" in listing
    # A former worker: no uploads, no second ending.
    again = portal.client.post(url, {"ended_on": "2025-07-01", "reason": "x"}, follow=True)
    assert "该人员已于2025-06-30离职" in again.content.decode()
    upload = portal.client.post(
        reverse("portal:worker_health", args=[employment.pk]),
        {"number": "1", "issuer": "疾控", "valid_from": "2025-01-01", "valid_to": "2026-01-01"},
        follow=True,
    )
    assert "该人员已离职" in upload.content.decode()
    assert not HealthCertificate.objects.exists()


def test_health_certificate_upload_waits_for_verification(portal, staff_client):
    employment = EmploymentFactory(enterprise=portal.enterprise)
    url = reverse("portal:worker_health", args=[employment.pk])
    response = portal.client.post(
        url,
        {
            "number": "JKZ2025-0099",
            "issuer": "舟曲县疾病预防控制中心",
            "valid_from": "2025-04-01",
            "valid_to": "2026-03-31",
            "scan": png(),
        },
    )
    assert response.status_code == 302
    certificate = HealthCertificate.objects.get()
    assert not certificate.verified and certificate.worker == employment.worker
    assert certificate.scan.name.startswith("workers/health/")
    assert certificate.history.first().history_user == portal.user
    detail = portal.client.get(reverse("portal:worker", args=[employment.pk])).content.decode()
    assert "JKZ2025-0099" in detail and "待核验" in detail
    listing = portal.client.get(reverse("portal:workers")).content.decode()
    assert "待核验" in listing
    # The dossier does not count it until staff tick 已核验.
    employment.worker.refresh_from_db()
    assert any("健康证" in item for item in worker_missing_items(employment.worker))


def test_training_upload_waits_for_verification(portal):
    employment = EmploymentFactory(enterprise=portal.enterprise)
    url = reverse("portal:worker_training", args=[employment.pk])
    bad = portal.client.post(
        url,
        {
            "course": "母婴护理",
            "provider": "舟曲县职业技术培训中心",
            "hours": "0",
            "completed_on": "2025-05-20",
            "certificate": png(),
        },
    )
    assert "学时必须大于0" in bad.content.decode()
    bad = portal.client.post(
        url,
        {
            "course": "母婴护理",
            "provider": "舟曲县职业技术培训中心",
            "hours": "24",
            "completed_on": "2025-05-20",
            "certificate": SimpleUploadedFile("c.png", b"GIF89a....", content_type="image/png"),
        },
    )
    assert "文件类型不支持" in bad.content.decode()
    assert not TrainingRecord.objects.exists()
    response = portal.client.post(
        url,
        {
            "course": "母婴护理",
            "provider": "舟曲县职业技术培训中心",
            "hours": "24",
            "completed_on": "2025-05-20",
            "certificate": png(),
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert not record.verified and record.hours == 24
    detail = portal.client.get(reverse("portal:worker", args=[employment.pk])).content.decode()
    assert "母婴护理" in detail and "待核验" in detail


def test_workers_page_shows_verified_certificate_status(portal, django_assert_max_num_queries):
    for n in range(6):
        employment = EmploymentFactory(enterprise=portal.enterprise)
        HealthCertificateFactory(worker=employment.worker, valid_to=datetime.date(2099, 1, n + 1))
    EmploymentFactory(enterprise=portal.enterprise, ended_on=datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(15):
        page = portal.client.get(reverse("portal:workers")).content.decode()
    assert "在职人员（6人）" in page and page.count(">有效<") == 6
