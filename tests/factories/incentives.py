"""Factories for the incentives app: residents with protected ID numbers, memberships,
final ratings that set an enterprise's grade, and the default catalogue."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from core import personal_data
from core.validators import clean_id_number, clean_mobile
from credit.models import EvaluationStandard, Indicator, KeyListEntry, Rating, VetoRule
from credit.standards_default import create_default_standards
from incentives.catalogue_default import create_default_catalogue
from incentives.models import (
    GroupMembership,
    IncentiveMeasure,
    Participation,
    Resident,
    SpecialGroup,
    SupportProgramme,
)
from tests.factories.registry import make_id_number, township

TOTALS = {"AAA": Decimal("93.0"), "AA": Decimal("85.0"), "A": Decimal("70.0"), "B": Decimal("50.0")}


def default_catalogue() -> tuple[dict[str, IncentiveMeasure], dict[str, SpecialGroup]]:
    """The seeded measures and groups by code (recreated after a transactional flush)."""
    create_default_catalogue(SpecialGroup, IncentiveMeasure)
    return (
        {m.code: m for m in IncentiveMeasure.objects.all()},
        {g.code: g for g in SpecialGroup.objects.all()},
    )


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    # Not a model field: turned into the protected columns in _create.
    id_number = factory.Sequence(
        lambda n: make_id_number(datetime.date(1960, 1, 1) + datetime.timedelta(days=n))
    )
    name = factory.Sequence(lambda n: f"居民{n}")
    # Not a model field either: stored protected (encrypted, hashed, masked).
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    township = factory.LazyFunction(township)
    credit_checked_on = factory.LazyFunction(timezone.localdate)
    verified_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, id_number=None, mobile="", **kwargs):
        identity = clean_id_number(id_number)
        kwargs.update(personal_data.phone_protect(clean_mobile(mobile), "mobile"))
        kwargs.update(
            id_number_encrypted=personal_data.encrypt(identity.number),
            id_number_hash=personal_data.lookup_hash(identity.number),
            id_number_masked=identity.masked,
            id_last4=identity.last4,
            birth_date=identity.birth_date,
            gender=identity.gender,
        )
        return super()._create(model_class, *args, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    resident = factory.SubFactory(ResidentFactory)
    proof_number = factory.Sequence(lambda n: f"62302319{n:06d}")
    valid_from = datetime.date(2024, 1, 1)
    verified_at = factory.LazyFunction(timezone.now)
    status = factory.LazyAttribute(lambda o: "verified" if o.verified_at else "pending")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportProgramme

    kind = "support"
    title = factory.Sequence(lambda n: f"家政服务业发展专项资金{n}")
    year = 2025
    opens_on = datetime.date(2025, 11, 1)
    closes_on = datetime.date(2025, 12, 31)


def grade(subject, value: str | None, year: int = 2025) -> None:
    """Give `subject` (an enterprise or a worker) a FINAL rating with grade `value`."""
    if value is None:
        return
    field = "enterprise" if subject.__class__.__name__ == "Enterprise" else "worker"
    if not EvaluationStandard.objects.filter(year=year, status="active").exists():
        create_default_standards(EvaluationStandard, Indicator, VetoRule, year=year)
    standard = EvaluationStandard.objects.get(year=year, subject_type=field, status="active")
    total = TOTALS[value]
    Rating.objects.create(
        **{field: subject},
        year=year,
        standard=standard,
        compliance=total / 4,
        quality=total / 4,
        reputation=total / 4,
        commitment=total / 4,
        total=total,
        grade=value,
        status=Rating.Status.FINAL,
        computed_at=timezone.now(),
    )


def join(enterprise, *measures) -> None:
    """Enrol an enterprise in measures directly (the opt-in rules have their own tests)."""
    for measure in measures:
        Participation.objects.get_or_create(
            measure=measure, enterprise=enterprise, defaults={"joined_at": timezone.now()}
        )


def key_list(subject, day: datetime.date = datetime.date(2025, 10, 1)) -> KeyListEntry:
    field = "enterprise" if subject.__class__.__name__ == "Enterprise" else "worker"
    return KeyListEntry.objects.create(
        **{field: subject},
        reason="拒不履行法院判决",
        basis="舟曲县人民法院执行裁定书",
        starts_on=day,
        ends_on=day.replace(year=day.year + 3),
    )
