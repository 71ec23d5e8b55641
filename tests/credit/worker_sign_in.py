"""Helpers of the tests of the worker's own record: workers with their own mobiles, and signing
in the way a worker does (mobile, then the code from the SMS). Fixtures: conftest.py."""

import re

from django.urls import reverse

from core import personal_data
from credit.models import EventKind
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import employed_worker

OUR_MOBILE = "13809417001"
THEIR_MOBILE = "13809417002"
NOBODYS_MOBILE = "13809417999"


def last_code(outbox) -> str:
    return re.search(r"验证码(\d{6})", outbox[-1][1]).group(1)


def set_mobile(worker, mobile: str) -> None:
    personal_data.phone_apply(worker, "phone", mobile)
    worker.save()


def rated_worker(mobile: str, name: str):
    worker = employed_worker()
    worker.name = name
    set_mobile(worker, mobile)
    penalty = CreditEventFactory(
        worker=worker, kind=EventKind.SUBSTANTIATED_COMPLAINT, title=f"{name}服务不达标"
    )
    return worker, penalty


def send(client, mobile, capture):
    with capture(execute=True):
        return client.post(reverse("workers:sign_in"), {"action": "send", "mobile": mobile})


def verify(client, mobile, code):
    return client.post(
        reverse("workers:sign_in"), {"action": "verify", "mobile": mobile, "code": code}
    )


def sign_in(client, mobile, sms, capture):
    send(client, mobile, capture)
    response = verify(client, mobile, last_code(sms))
    assert response.status_code == 302 and response.url == reverse("workers:record")
    return client
