import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core import personal_data
from registry.models import PersonalDataAccess, Worker
from registry.services import worker_reveal_id_number, worker_save
from tests.factories.registry import make_id_number, township


def new_worker(actor, number, **fields):
    worker = Worker(name="才让吉", ethnicity="藏族", township=township(), **fields)
    return worker_save(actor=actor, worker=worker, id_number=number)


@pytest.mark.django_db
def test_the_raw_id_number_never_reaches_the_table(admin_user):
    number = make_id_number(datetime.date(1979, 2, 14), sequence=21)
    worker = new_worker(admin_user, number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_worker")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM registry_historicalworker")
        history = cursor.fetchall()
    flat = " ".join(str(value) for row in rows + history for value in row)
    assert number not in flat
    assert number[:14] not in flat  # not even the birth-date part with the region
    assert worker.id_number_masked in flat
    assert personal_data.decrypt(worker.id_number_encrypted) == number
    assert worker.birth_date == datetime.date(1979, 2, 14)
    assert worker.gender == "F"


@pytest.mark.django_db
def test_the_same_person_cannot_be_registered_twice(admin_user):
    number = make_id_number(datetime.date(1979, 2, 14), sequence=22)
    new_worker(admin_user, number)
    with pytest.raises(ValidationError) as exc:
        new_worker(admin_user, number.lower())
    assert "已登记" in str(exc.value)


@pytest.mark.django_db
def test_reveal_needs_the_permission_and_is_audited(django_user_model, admin_user):
    number = make_id_number(datetime.date(1979, 2, 14), sequence=23)
    worker = new_worker(admin_user, number)
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    with pytest.raises(PermissionDenied):
        worker_reveal_id_number(actor=clerk, worker=worker, reason="核对")
    clerk.user_permissions.add(Permission.objects.get(codename="reveal_id_number"))
    clerk = django_user_model.objects.get(pk=clerk.pk)
    with pytest.raises(ValidationError):
        worker_reveal_id_number(actor=clerk, worker=worker, reason="  ")
    assert worker_reveal_id_number(actor=clerk, worker=worker, reason="核对投诉") == number
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.reason) == (clerk, worker.pk, "核对投诉")


def test_rotated_keys_still_decrypt(settings):
    from cryptography.fernet import Fernet

    old_key = Fernet.generate_key().decode()
    settings.PERSONAL_DATA_KEY = old_key
    personal_data.clear_key_cache()
    token = personal_data.encrypt("623023197902140420")
    settings.PERSONAL_DATA_KEY = Fernet.generate_key().decode()
    settings.PERSONAL_DATA_KEY_FALLBACKS = [old_key]
    personal_data.clear_key_cache()
    try:
        assert personal_data.decrypt(token) == "623023197902140420"
    finally:
        personal_data.clear_key_cache()
