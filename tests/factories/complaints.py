"""Factories for complaints, written directly (not through the services)
so a test can set up a case in any state with the dates it needs."""

import datetime
import hashlib
import zoneinfo

import factory
from django.utils import timezone

from complaints.contact import phone_protect
from complaints.models import CaseType, Category, Complaint, ReportCategory
from core.workdays import add_working_days
from tests.factories.registry import EnterpriseFactory, township

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def tracking_suffix(n: int) -> str:
    """Six characters of the tracking alphabet, distinct for every n."""
    chars = []
    for _ in range(6):
        n, digit = divmod(n, len(TRACKING_ALPHABET))
        chars.append(TRACKING_ALPHABET[digit])
    return "".join(reversed(chars))


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, SHANGHAI).date()


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A complaint as intake leaves it (status submitted). Pass `phone` to choose the
    complainant's mobile number; pass status, decided_at, … to put it further along."""

    class Meta:
        model = Complaint

    # Not a model field: turned into the protected phone columns in _create/_build.
    phone = "13909415678"
    tracking_number = factory.LazyAttributeSequence(
        lambda o, n: f"TS{local_day(o.received_at):%Y%m%d}{tracking_suffix(n)}"
    )
    complainant_name = "李桂芳"
    township = factory.LazyFunction(township)
    enterprise = factory.SubFactory(EnterpriseFactory)
    service_date = factory.LazyAttribute(lambda o: local_day(o.received_at) - datetime.timedelta(3))
    case_type = CaseType.COMPLAINT
    # A 举报 takes a report category instead of a complaint category.
    category = factory.LazyAttribute(
        lambda o: "" if o.case_type == CaseType.REPORT else Category.SUBSTANDARD
    )
    report_category = factory.LazyAttribute(
        lambda o: ReportCategory.UNLICENSED if o.case_type == CaseType.REPORT else ""
    )
    description = "约定的厨房保洁没有做完，油烟机没有清洗。"
    desired_outcome = "退还部分服务费。"
    received_at = datetime.datetime(2025, 10, 8, 10, 0, tzinfo=SHANGHAI)
    consent_at = factory.LazyAttribute(lambda o: o.received_at)
    acceptance_due = factory.LazyAttribute(lambda o: add_working_days(local_day(o.received_at), 7))
    submission_token = factory.Sequence(lambda n: f"test-token-{n:08d}")
    content_digest = factory.LazyAttribute(
        lambda o: hashlib.sha256(o.submission_token.encode()).hexdigest()
    )

    @classmethod
    def _create(cls, model_class, *args, phone, **kwargs):
        kwargs.update(phone_protect(phone))
        return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, phone, **kwargs):
        kwargs.update(phone_protect(phone))
        return super()._build(model_class, *args, **kwargs)
