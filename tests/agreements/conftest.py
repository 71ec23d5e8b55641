import datetime
from decimal import Decimal

import pytest

from agreements import services
from core.notifications import MemorySmsBackend
from registry.models import Township
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
)

CUSTOMER_MOBILE = "13899417777"


@pytest.fixture
def sms(settings):
    """SMS go to MemorySmsBackend.outbox; returns that list (emptied first)."""
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def last_code(outbox) -> str:
    import re

    return re.search(r"验证码(\d{6})", outbox[-1][1]).group(1)


class Shop:
    """An enterprise with two published prices and one current worker."""

    def __init__(self, capture=None):
        self.capture = capture
        self.enterprise = EnterpriseFactory(name="舟曲县约定测试家政服务有限公司")
        self.cleaning = ServiceCategoryFactory(
            code="agr-clean", name="日常保洁（约定）", guide_price_min=30, guide_price_max=60
        )
        self.care = ServiceCategoryFactory(
            code="agr-care", name="老人陪护（约定）", guide_price_min=100, guide_price_max=200
        )
        ServiceOfferingFactory(enterprise=self.enterprise, category=self.cleaning, price=45)
        ServiceOfferingFactory(enterprise=self.enterprise, category=self.care, price=150)
        self.worker = EmploymentFactory(enterprise=self.enterprise).worker
        self.township = Township.objects.order_by("sort_order").first()

    def issue(self, *, actor=None, items=None, mobile=CUSTOMER_MOBILE, **overrides):
        today = datetime.date.today()
        fields = {
            "actor": actor,
            "enterprise": self.enterprise,
            "customer_name": "马桂兰",
            "customer_mobile": mobile,
            "township": self.township,
            "service_address": "城关镇江北路8号",
            "starts_on": today,
            "ends_on": today + datetime.timedelta(days=30),
            "worker": self.worker,
            "items": items or [services.ItemInput(category=self.cleaning, quantity=Decimal("4"))],
        }
        fields.update(overrides)
        if self.capture is None:
            return services.agreement_issue(**fields)
        # The SMS leaves once the transaction has committed.
        with self.capture(execute=True):
            return services.agreement_issue(**fields)


@pytest.fixture
def shop(db, django_capture_on_commit_callbacks):
    return Shop(django_capture_on_commit_callbacks)
