import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import Employment, Enterprise, EnterpriseQualification
from registry.services import employment_end, employment_start, enterprise_save, record_save
from tests.factories.registry import EnterpriseFactory, WorkerFactory, make_uscc, township


@pytest.mark.django_db
def test_uscc_is_unique_in_the_database():
    code = make_uscc(seed=5)
    EnterpriseFactory(uscc=code)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(
            name="重复",
            uscc=code,
            legal_representative="x",
            township=township(),
            phone="0941-5123456",
        )


@pytest.mark.django_db
def test_service_refuses_a_bad_uscc_with_a_chinese_message(admin_user):
    enterprise = Enterprise(
        name="舟曲县测试家政", uscc="91623023MA71ABC12X", legal_representative="王秀兰",
        township=township(), phone="13909410001",
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        enterprise_save(actor=admin_user, enterprise=enterprise)
    assert "校验位不正确" in str(exc.value.message_dict["uscc"])
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_one_open_employment_per_worker_per_enterprise(admin_user):
    worker, enterprise = WorkerFactory(), EnterpriseFactory()
    employment = employment_start(
        actor=admin_user, worker=worker, enterprise=enterprise, started_on=datetime.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        employment_start(
            actor=admin_user, worker=worker, enterprise=enterprise,
            started_on=datetime.date(2025, 1, 1),
        )  # fmt: skip
    assert "已有在职记录" in str(exc.value)
    employment_end(actor=admin_user, employment=employment, ended_on=datetime.date(2024, 12, 31))
    employment_start(
        actor=admin_user, worker=worker, enterprise=enterprise, started_on=datetime.date(2025, 2, 1)
    )
    assert Employment.objects.filter(worker=worker).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Employment.objects.create(
            worker=worker, enterprise=enterprise, started_on=datetime.date(2025, 3, 1)
        )


@pytest.mark.django_db
def test_an_employment_cannot_end_before_it_starts_or_end_twice(admin_user):
    employment = employment_start(
        actor=admin_user, worker=WorkerFactory(), enterprise=EnterpriseFactory(),
        started_on=datetime.date(2024, 5, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        employment_end(actor=admin_user, employment=employment, ended_on=datetime.date(2024, 4, 1))
    assert "离职日期不能早于入职日期" in str(exc.value)
    employment_end(actor=admin_user, employment=employment, ended_on=datetime.date(2024, 6, 1))
    with pytest.raises(ValidationError):
        employment_end(actor=admin_user, employment=employment, ended_on=datetime.date(2024, 7, 1))


@pytest.mark.django_db
def test_valid_to_must_be_after_valid_from(admin_user):
    qualification = EnterpriseQualification(
        enterprise=EnterpriseFactory(), kind="licence",
        valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        record_save(actor=admin_user, record=qualification)
    assert "有效期止必须晚于有效期起" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        qualification.save()


@pytest.mark.django_db
def test_renewing_a_document_resets_its_reminder(admin_user):
    qualification = EnterpriseQualification.objects.create(
        enterprise=EnterpriseFactory(), kind="licence", valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date.today() + datetime.timedelta(days=5),
        expiry_notified_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    qualification.valid_to = datetime.date.today() + datetime.timedelta(days=800)
    record_save(actor=admin_user, record=qualification)
    qualification.refresh_from_db()
    assert qualification.expiry_notified_at is None
    assert qualification.validity == "valid"
    assert qualification.history.first().history_user == admin_user
