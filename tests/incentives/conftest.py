import datetime

import pytest
import time_machine

from core.notifications import MemorySmsBackend

# 10:00 in Zhouqu on Thursday 20 November 2025.
NOW = datetime.datetime(2025, 11, 20, 2, tzinfo=datetime.UTC)
TODAY = datetime.date(2025, 11, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


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
