"""The data migration that protects the personal mobile numbers already stored in clear:
every row and every history row is converted, and the plaintext columns are gone."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from registry import personal_data

BEFORE = [("registry", "0005_portal"), ("incentives", "0002_default_catalogue")]


def _migrate(targets=None):
    """Migrate to `targets`, or forward to the latest migrations; the apps of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _identity(model, number: str, **fields):
    return model(
        id_number_encrypted=personal_data.encrypt(number),
        id_number_hash=personal_data.lookup_hash(number),
        id_number_masked=number[:6] + "********" + number[-4:],
        id_last4=number[-4:],
        birth_date=datetime.date(1970, 1, 1),
        gender="F",
        **fields,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_numbers_are_encrypted_hashed_masked_and_the_clear_columns_dropped():
    old = _migrate(BEFORE)
    try:
        Township = old.get_model("registry", "Township")
        Enterprise = old.get_model("registry", "Enterprise")
        Worker = old.get_model("registry", "Worker")
        HistoricalWorker = old.get_model("registry", "HistoricalWorker")
        User = old.get_model("auth", "User")
        PortalAccount = old.get_model("registry", "PortalAccount")
        Resident = old.get_model("incentives", "Resident")
        HistoricalResident = old.get_model("incentives", "HistoricalResident")
        Measure = old.get_model("incentives", "IncentiveMeasure")
        Programme = old.get_model("incentives", "SupportProgramme")
        Application = old.get_model("incentives", "SupportApplication")
        Code = old.get_model("incentives", "VerificationCode")

        township = Township.objects.create(name="测试镇", kind="town")
        enterprise = Enterprise.objects.create(
            name="测试家政", uscc="91623023MA71XXXX0A", legal_representative="王",
            township=township, phone="0941-5120000",
        )  # fmt: skip
        worker = _identity(Worker, "623023197001010027", name="才让", phone="13909418101")
        worker.save()
        bare = _identity(Worker, "623023197001010043", name="无手机", phone="")
        bare.save()
        HistoricalWorker.objects.create(
            id=worker.pk, name="才让", gender="F", ethnicity="汉族",
            id_number_masked="623023********0027", id_last4="0027",
            birth_date=datetime.date(1970, 1, 1), phone="139 0941 8101",
            document_status="missing", completeness=0, is_stale=False,
            created_at=timezone.now(), history_date=timezone.now(), history_type="+",
        )  # fmt: skip
        user = User.objects.create(username="owner")
        PortalAccount.objects.create(
            user=user, enterprise=enterprise, role="owner", mobile="13909418102"
        )
        resident = _identity(
            Resident, "623023195001010020", name="扎西", mobile="13909418103",
            township=township,
        )  # fmt: skip
        resident.save()
        HistoricalResident.objects.create(
            id=resident.pk, name="扎西", mobile="13909418103", gender="F",
            id_number_masked="623023********0020", id_last4="0020",
            birth_date=datetime.date(1950, 1, 1), township_id=township.pk,
            credit_status="good", source="staff", created_at=timezone.now(),
            history_date=timezone.now(), history_type="+",
        )  # fmt: skip
        programme = Programme.objects.create(
            kind="support", title="扶持", year=2025, measure=Measure.objects.first(),
            opens_on=datetime.date(2025, 1, 1), closes_on=datetime.date(2025, 12, 31),
        )  # fmt: skip
        Application.objects.create(
            programme=programme, enterprise=enterprise, statement="申请",
            contact_person="马", contact_phone="13909418104",
        )  # fmt: skip
        Code.objects.create(
            purpose="check", mobile="13909418105", code_hash="x",
            expires_at=timezone.now(),
        )  # fmt: skip
    finally:
        new = _migrate()

    tables = {
        "registry_worker": "phone",
        "registry_historicalworker": "phone",
        "registry_portalaccount": "mobile",
        "registry_historicalportalaccount": "mobile",
        "incentives_resident": "mobile",
        "incentives_historicalresident": "mobile",
        "incentives_supportapplication": "contact_phone",
        "incentives_historicalsupportapplication": "contact_phone",
        "incentives_verificationcode": "mobile",
    }
    for table, column in tables.items():
        assert column not in _columns(table), table
    Worker = new.get_model("registry", "Worker")
    stored = Worker.objects.get(name="才让")
    assert personal_data.decrypt(stored.phone_encrypted) == "13909418101"
    assert stored.phone_hash == personal_data.phone_hash("13909418101")
    assert stored.phone_masked == "139****8101"
    assert Worker.objects.get(name="无手机").phone_hash == ""
    history = new.get_model("registry", "HistoricalWorker").objects.get(name="才让")
    assert history.phone_masked == "139****8101"
    account = new.get_model("registry", "PortalAccount").objects.get()
    assert personal_data.decrypt(account.mobile_encrypted) == "13909418102"
    assert account.mobile_hash == personal_data.phone_hash("13909418102")
    resident = new.get_model("incentives", "Resident").objects.get()
    assert resident.mobile_hash == personal_data.phone_hash("13909418103")
    assert personal_data.decrypt(resident.mobile_encrypted) == "13909418103"
    historical = new.get_model("incentives", "HistoricalResident").objects.get()
    assert historical.mobile_masked == "139****8103"
    application = new.get_model("incentives", "SupportApplication").objects.get()
    assert personal_data.decrypt(application.contact_phone_encrypted) == "13909418104"
    code = new.get_model("incentives", "VerificationCode").objects.get()
    assert (code.mobile_hash, code.mobile_masked) == (
        personal_data.phone_hash("13909418105"),
        "139****8105",
    )
