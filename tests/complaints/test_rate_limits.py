"""The complaint form's limits hold under concurrency, in Redis and in the database
fallback alike: forty simultaneous submissions from one address against a limit of twenty
store exactly twenty. Every submission counts per address, valid or not; per phone only
stored complaints count, so a resident correcting the form is not locked out."""

import threading

import pytest
from django.db import connections
from django.test import Client

from complaints.models import Complaint
from registry.models import RateLimitCounter
from tests.complaints.test_pages import NEW, TRACK, form_data
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import township

SIMULTANEOUS = 40


def submit_at_once(count: int) -> list[int]:
    """`count` different residents behind one address submit at the same moment."""
    township()  # created before the threads, which share it
    barrier = threading.Barrier(count)
    answers: list[int] = []
    lock = threading.Lock()

    def resident(n: int) -> None:
        client = Client(REMOTE_ADDR="10.0.0.7")
        data = form_data(
            token=f"{n:032d}",
            phone=f"1390942{n:04d}",
            description=f"第{n}位居民：约好的保洁只做了一半就走了。",
        )
        try:
            barrier.wait(timeout=60)
            status = client.post(NEW, data).status_code
            with lock:
                answers.append(status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=resident, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return answers


@pytest.mark.django_db(transaction=True)
def test_forty_simultaneous_submissions_store_exactly_the_limit_of_twenty(settings):
    settings.COMPLAINT_RATE_PER_IP = "20/h"
    answers = submit_at_once(SIMULTANEOUS)
    assert sorted(answers) == [302] * 20 + [429] * 20
    assert Complaint.objects.count() == 20


@pytest.mark.django_db(transaction=True)
def test_the_database_fallback_is_just_as_exact(settings):
    settings.COMPLAINT_RATE_PER_IP = "20/h"
    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    answers = submit_at_once(SIMULTANEOUS)
    assert sorted(answers) == [302] * 20 + [429] * 20
    assert Complaint.objects.count() == 20
    assert RateLimitCounter.objects.get(group_name="complaints.submit").count == SIMULTANEOUS


@pytest.mark.django_db
def test_invalid_submissions_count_towards_the_address_limit(client, settings):
    settings.COMPLAINT_RATE_PER_IP = "3/h"
    for _ in range(3):
        response = client.post(NEW, form_data(description=""))
        assert response.status_code == 200 and "请" in response.content.decode()
    blocked = client.post(NEW, form_data())
    assert blocked.status_code == 429 and "提交次数过多" in blocked.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_a_resident_correcting_the_form_is_not_locked_out_by_the_phone_limit(client, settings):
    settings.COMPLAINT_RATE_PER_PHONE = "1/d"
    for _ in range(3):
        assert client.post(NEW, form_data(description="")).status_code == 200
    assert client.post(NEW, form_data()).status_code == 302
    second = client.post(NEW, form_data(token="e" * 32, description="另一件事：摔坏了碗。"))
    assert second.status_code == 429
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_a_reloaded_submission_does_not_count_again_per_phone(client, settings):
    settings.COMPLAINT_RATE_PER_PHONE = "2/d"
    for _ in range(3):  # the same form sent again: the stored complaint is shown
        assert client.post(NEW, form_data()).status_code == 302
    other = form_data(token="e" * 32, description="另一件事：摔坏了碗。")
    assert client.post(NEW, other).status_code == 302
    third = form_data(token="d" * 32, description="第三件事：迟到两个小时。")
    assert client.post(NEW, third).status_code == 429
    assert Complaint.objects.count() == 2


@pytest.mark.django_db
def test_a_successful_tracking_look_up_is_not_counted_as_a_failure(client, settings):
    settings.TRACKING_RATE_PER_IP = "2/h"
    complaint = ComplaintFactory(phone="13909413333")
    right = {"tracking_number": complaint.tracking_number, "phone": "13909413333"}
    wrong = {"tracking_number": complaint.tracking_number, "phone": "13909410000"}
    for _ in range(5):
        assert client.post(TRACK, right).status_code == 302
    assert client.post(TRACK, wrong).status_code == 200
    assert client.post(TRACK, wrong).status_code == 200
    assert client.post(TRACK, right).status_code == 429
