"""Builders for the credit workflow tests (publication, objections, repair, management).

The default 2025 standard gives an enterprise with no licence and no staff 62 points (A);
one 一般 administrative penalty takes 5 off: 57 points, B. A worker with nothing but an
employment scores 32 (B); `a_good_enterprise` in the engine tests scores 87 (AA).
"""

import datetime
import importlib

import factory
from django.conf import settings
from django.urls import NoReverseMatch, clear_url_caches, reverse
from django.utils import timezone

from credit.models import CreditEvent, EvaluationStandard, EventKind, Rating, Severity
from credit.services import rating_run_year
from tests.factories.credit import CreditEventFactory
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory

YEAR = 2025
# 18:00 in Zhouqu on 20 November 2025; the publicity period then runs 20–26 November.
PUBLISHED_AT = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)


def at(day: datetime.date) -> datetime.datetime:
    """Ten in the morning, Zhouqu time, on `day`."""
    return datetime.datetime.combine(day, datetime.time(2), tzinfo=datetime.UTC)


def use_workflow_admin() -> None:
    """Register the workflow admin pages and make sure the URLs include them.

    `credit.admin` imports its workflow modules; should the pages not be registered
    when the URLs were first built, they are registered now and the URLs rebuilt."""
    import credit.admin  # noqa: F401

    try:
        reverse("admin:credit_objection_changelist")
    except NoReverseMatch:
        importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
        clear_url_caches()


def penalised_enterprise(
    severity: str = Severity.GENERAL, occurred_on=datetime.date(2025, 6, 1)
) -> tuple:
    """An enterprise rated B (57 points) because of one administrative penalty."""
    enterprise = EnterpriseFactory()
    event = CreditEventFactory(
        enterprise=enterprise,
        kind=EventKind.PENALTY,
        severity=severity,
        occurred_on=occurred_on,
        title="未按规定公示收费标准",
    )
    return enterprise, event


def employed_worker():
    """A worker rated B (32 points); their employer (no licence, no health certificate among
    its staff) is B too."""
    worker = WorkerFactory()
    EmploymentFactory(worker=worker)
    return worker


def rate_year(year: int = YEAR):
    return rating_run_year(actor=None, year=year, sync=True)


def rating_of(subject) -> Rating:
    field = "worker" if subject.__class__.__name__ == "Worker" else "enterprise"
    return Rating.objects.get(year=YEAR, **{field: subject})


class RatingFactory(factory.django.DjangoModelFactory):
    """A rating written directly, for tests that need a status without a run."""

    class Meta:
        model = Rating

    year = YEAR
    enterprise = factory.SubFactory(EnterpriseFactory)
    standard = factory.LazyAttribute(
        lambda o: EvaluationStandard.objects.get(
            year=o.year,
            subject_type="enterprise" if o.enterprise else "worker",
            status=EvaluationStandard.Status.ACTIVE,
        )
    )
    compliance = 20
    quality = 20
    reputation = 20
    commitment = 15
    total = 75
    grade = "A"
    computed_at = factory.LazyFunction(timezone.now)


def spot_events(subject) -> list[CreditEvent]:
    field = "worker" if subject.__class__.__name__ == "Worker" else "enterprise"
    return list(
        CreditEvent.objects.filter(
            **{field: subject},
            kind__in=[EventKind.SPOT_CHECK_PASSED, EventKind.SPOT_CHECK_FAILED],
        )
    )
