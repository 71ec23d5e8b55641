"""The demo agreements: a service item's template in two versions and, for the first demo
enterprise, one agreement confirmed by SMS code, one signed on paper and one pending."""

import pytest

from agreements.models import AgreementTemplate, ServiceAgreement
from demo.agreements_seed import agreements_demo_seed, agreements_demo_to_try

pytestmark = pytest.mark.django_db


def test_the_demo_agreements_are_seeded_once(shop, settings):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    assert agreements_demo_seed() == 3
    assert agreements_demo_seed() == 0
    mine = ServiceAgreement.objects.filter(enterprise=shop.enterprise)
    assert sorted(mine.values_list("status", "confirmation")) == [
        ("confirmed", "paper"),
        ("confirmed", "sms"),
        ("issued", ""),
    ]
    versions = AgreementTemplate.objects.filter(category__isnull=False)
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
    newest = mine.order_by("-pk").first()
    assert newest.template.version == 2 or newest.template.category_id is None
    (line,) = agreements_demo_to_try()
    pending = mine.get(status="issued")
    assert pending.number in line
