"""The benchmarks' synthetic data set on a database whose reference data was emptied."""

from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from complaints.models import Complaint
from core import personal_data
from core.validators import clean_id_number
from credit.management.commands.generate_synthetic import generate
from credit.synthetic.personal import ID_PLACEHOLDER
from incentives.models import Resident
from registry.models import Enterprise, Township, Worker

pytestmark = pytest.mark.django_db


def test_enterprises_get_townships_even_after_the_township_table_was_emptied():
    # What a transactional test's flush leaves behind: no township at all.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_township CASCADE")
    generate(enterprises=40, workers=20, inputs=50, year=2025)
    enterprises = Enterprise.objects.filter(name__startswith="合成企业")
    assert enterprises.count() == 40
    assert not enterprises.filter(township__isnull=True).exists()
    assert Township.objects.count() == 19
    # Spread over every township, whatever their ids.
    assert enterprises.values("township").distinct().count() == 19


def _count(table: str, where: str = "") -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} {where}")
        return cursor.fetchone()[0]


def test_activity_tables_are_filled_in_proportion_to_the_workers():
    report = generate(enterprises=30, workers=1000, inputs=400, year=2025)
    assert _count("complaints_complaint") == 20
    assert _count("complaints_servicereview") == 300
    assert _count("incentives_resident") == 100
    assert _count("incentives_redemption") == 200
    assert _count("incentives_redemptionitem") == 200
    # One valid service card per current employment, 2 to 4 documents an enterprise.
    current = _count("registry_employment", "WHERE ended_on IS NULL")
    assert current == 900
    assert _count("registry_workercard", "WHERE revoked_at IS NULL") == current
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(n), MAX(n), SUM(n) FROM (SELECT COUNT(*) AS n FROM"
            " registry_enterprisequalification GROUP BY enterprise_id) AS d"
        )
        low, high, total = cursor.fetchone()
    assert (low, high, total) == (2, 4, 90)
    names = [stage.name for stage in report.stages]
    assert {"enterprises", "redemptions", "build secondary indexes"} <= set(names)
    assert report.rows > 0


def test_history_years_write_one_year_of_inputs_each_and_keep_the_rated_year():
    generate(enterprises=20, workers=50, inputs=100, year=2025)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, severity, occurred_on, enterprise_id IS NULL, status"
            " FROM credit_creditevent ORDER BY occurred_on, id"
        )
        one_year = cursor.fetchall()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending check before TRUNCATE
        cursor.execute(
            "TRUNCATE credit_creditevent, credit_keylistentry, registry_workercard,"
            " registry_employment, registry_healthcertificate, registry_backgroundcheck,"
            " registry_trainingrecord, registry_skillcertificate, complaints_complaint,"
            " complaints_servicereview, incentives_redemptionitem, incentives_redemption,"
            " incentives_resident, registry_enterprisequalification, registry_worker,"
            " registry_enterprise CASCADE"
        )
    generate(enterprises=20, workers=50, inputs=100, year=2025, history_years=3)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXTRACT(YEAR FROM occurred_on)::int, COUNT(*) FROM credit_creditevent"
            " GROUP BY 1 ORDER BY 1"
        )
        assert cursor.fetchall() == [(2023, 100), (2024, 100), (2025, 100)]
        cursor.execute(
            "SELECT kind, severity, occurred_on, enterprise_id IS NULL, status"
            " FROM credit_creditevent WHERE occurred_on >= '2025-01-01' ORDER BY occurred_on, id"
        )
        assert cursor.fetchall() == one_year  # the rated year is the same with history


def test_personal_data_reads_back_as_the_application_stores_it():
    generate(enterprises=10, workers=30, inputs=20, year=2025)
    worker = Worker.objects.filter(name__startswith="合成人员").order_by("pk").first()
    # The ID number behind the hash and the mask is a valid one; a look-up by it finds him.
    birth = worker.birth_date.strftime("%Y%m%d")
    candidates = [f"623023{birth}{n:03d}" for n in range(1000)]
    numbers = [
        clean_id_number(c + check).number
        for c in candidates
        for check in "0123456789X"
        if (c + check)[-4:] == worker.id_last4 and _valid(c + check)
    ]
    assert any(personal_data.lookup_hash(n) == worker.id_number_hash for n in numbers)
    assert worker.id_number_masked == f"623023********{worker.id_last4}"
    assert personal_data.decrypt(worker.id_number_encrypted) == ID_PLACEHOLDER
    complaint = Complaint.objects.first()
    phone = personal_data.decrypt(complaint.phone_encrypted)
    assert personal_data.phone_hash(phone) == complaint.phone_hash
    assert personal_data.phone_mask(phone) == complaint.phone_masked
    resident = Resident.objects.first()
    mobile = personal_data.decrypt(resident.mobile_encrypted)
    assert personal_data.phone_hash(mobile) == resident.mobile_hash


def _valid(number: str) -> bool:
    try:
        clean_id_number(number)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    "url",
    [
        "admin:registry_enterprise_changelist",
        "admin:registry_worker_changelist",
        "admin:registry_workercard_changelist",
        "admin:registry_enterprisequalification_changelist",
        "admin:credit_creditevent_changelist",
        "admin:complaints_complaint_changelist",
        "admin:reviews_servicereview_changelist",
        "admin:incentives_resident_changelist",
        "admin:incentives_redemption_changelist",
    ],
)
def test_pages_open_on_the_synthetic_data(staff_client, url):
    generate(enterprises=20, workers=100, inputs=200, year=2025, history_years=2)
    response = staff_client.get(reverse(url))
    assert response.status_code == 200
    assert "合成" in response.content.decode() or url.endswith("workercard_changelist")


def test_public_credit_search_and_admin_detail_pages_open_on_the_synthetic_data(
    client, staff_client
):
    generate(enterprises=20, workers=100, inputs=200, year=2025)
    enterprise = Enterprise.objects.filter(name__startswith="合成企业").order_by("pk").first()
    found = client.get(reverse("credit:lookup") + "?q=" + quote(enterprise.name))
    assert found.status_code == 200
    assert enterprise.name in found.content.decode()
    complaint = Complaint.objects.first()
    page = staff_client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200
    worker = Worker.objects.filter(name__startswith="合成人员").first()
    page = staff_client.get(reverse("admin:registry_worker_change", args=[worker.pk]))
    assert page.status_code == 200
