"""Factories for the registers, producing valid identifiers."""

import datetime
import random

import factory
from stdnum.cn import ric, uscc

from core import personal_data
from core.validators import clean_id_number, clean_mobile
from registry.models import (
    BackgroundCheck,
    Employment,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    ServiceCategory,
    ServiceOffering,
    SkillCertificate,
    Township,
    TrainingRecord,
    Worker,
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_rng = random.Random(20251008)


def make_uscc(seed: int | None = None) -> str:
    rng = random.Random(seed) if seed is not None else _rng
    body = "92623023" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def make_id_number(
    birth: datetime.date = datetime.date(1985, 3, 12),
    sequence: int | None = None,
    female: bool = True,
) -> str:
    sequence = _rng.randrange(0, 500) if sequence is None else sequence
    serial = sequence * 2 + (0 if female else 1)
    body = f"623023{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def township() -> Township:
    # Transactional tests flush the database, seeded townships included: recreate one.
    township, _ = Township.objects.get_or_create(
        name="城关镇", defaults={"kind": Township.Kind.TOWN, "sort_order": 1}
    )
    return township


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"舟曲县第{n}家政服务有限公司")
    uscc = factory.LazyFunction(make_uscc)
    legal_representative = "王秀兰"
    business_address = "城关镇滨江路12号"
    township = factory.LazyFunction(township)
    phone = "13909410001"
    email = factory.Sequence(lambda n: f"jz{n}@example.com")
    # Long enough ago to be graded (EvaluationStandard.min_registered_months).
    established_on = datetime.date(2018, 5, 1)


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    # Not a model field: turned into the protected columns in _create.
    id_number = factory.Sequence(
        lambda n: make_id_number(datetime.date(1970, 1, 1) + datetime.timedelta(days=n))
    )
    name = factory.Sequence(lambda n: f"卓玛{n}")
    ethnicity = "藏族"
    # Not a model field either: stored protected (encrypted, hashed, masked).
    phone = "13809410002"
    township = factory.LazyFunction(township)

    @classmethod
    def _create(cls, model_class, *args, id_number=None, phone="", **kwargs):
        identity = clean_id_number(id_number)
        kwargs.update(personal_data.phone_protect(clean_mobile(phone) if phone else "", "phone"))
        kwargs.update(
            id_number_encrypted=personal_data.encrypt(identity.number),
            id_number_hash=personal_data.lookup_hash(identity.number),
            id_number_masked=identity.masked,
            id_last4=identity.last4,
            birth_date=identity.birth_date,
            gender=identity.gender,
        )
        return super()._create(model_class, *args, **kwargs)


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    worker = factory.SubFactory(WorkerFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    started_on = datetime.date(2024, 3, 1)


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseQualification

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = EnterpriseQualification.Kind.BUSINESS_LICENCE
    number = factory.LazyAttribute(lambda o: o.enterprise.uscc)
    issuer = "舟曲县市场监督管理局"
    valid_from = datetime.date(2020, 1, 1)
    valid_to = None


class HealthCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthCertificate

    worker = factory.SubFactory(WorkerFactory)
    number = factory.Sequence(lambda n: f"JKZ2025{n:05d}")
    issuer = "舟曲县疾病预防控制中心"
    valid_from = datetime.date(2025, 1, 1)
    valid_to = datetime.date(2026, 12, 31)


class BackgroundCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BackgroundCheck

    worker = factory.SubFactory(WorkerFactory)
    result = BackgroundCheck.Result.PASSED
    checked_on = datetime.date(2025, 2, 1)
    checked_by = "舟曲县公安局城关派出所"


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    worker = factory.SubFactory(WorkerFactory)
    course = "家政服务员岗前培训"
    provider = "舟曲县职业技术培训中心"
    hours = 40
    completed_on = datetime.date(2025, 4, 20)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillCertificate

    worker = factory.SubFactory(WorkerFactory)
    occupation = SkillCertificate.Occupation.HOUSEKEEPER
    level = SkillCertificate.Level.LEVEL4
    issued_on = datetime.date(2024, 6, 1)


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"服务项目{n}")
    standard_process = "上门—确认需求—服务—验收"
    commitment = "按约定时间上门，明码标价。"
    unit = ServiceCategory.Unit.HOUR
    guide_price_min = 30
    guide_price_max = 60


class ServiceOfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOffering

    enterprise = factory.SubFactory(EnterpriseFactory)
    category = factory.SubFactory(ServiceCategoryFactory)
    price = 45
