import re

import pytest

from core.notifications import MemorySmsBackend
from core.service_proofs import SERVICE_PROOFS, ServiceProofChecker, service_proof_register


@pytest.fixture
def sms(settings):
    """SMS go to MemorySmsBackend.outbox; returns that list (emptied first)."""
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def last_code(outbox) -> str:
    return re.search(r"验证码(\d{6})", outbox[-1][1]).group(1)


@pytest.fixture
def any_service_proven():
    """A proof checker that accepts every claim, for tests about what a verified review
    does rather than how it is verified."""
    service_proof_register(ServiceProofChecker("test", "测试依据", lambda claim: "test"))
    yield
    SERVICE_PROOFS.unregister("test")


def scannable_card(employment):
    """A valid card of `employment`'s worker (not red), as issued by the enterprise."""
    import datetime

    from registry.services.cards import card_issue
    from tests.factories.registry import BackgroundCheckFactory, HealthCertificateFactory

    worker = employment.worker
    HealthCertificateFactory(
        worker=worker, valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2026, 12, 31)
    )
    BackgroundCheckFactory(worker=worker, result="passed", checked_on=datetime.date(2025, 2, 1))
    return card_issue(actor=None, warnings_confirmed=True, employment=employment)
