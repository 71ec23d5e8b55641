"""Exactly one beat: a second waits for the first's Redis lock (core.beat_lock)."""

import uuid
import weakref

import pytest
from django.conf import settings

from core.beat_lock import BeatLock


@pytest.fixture
def name():
    return f"test-beat-lock:{uuid.uuid4().hex}"


def test_a_second_beat_does_not_get_the_lock_until_the_first_releases_it(name):
    first = BeatLock(settings.CELERY_BROKER_URL, name=name, ttl=5)
    second = BeatLock(settings.CELERY_BROKER_URL, name=name, ttl=5)
    assert first.acquire(wait=False)
    assert not second.acquire(wait=False)
    assert first.renew()
    first.release()
    assert second.acquire(wait=False)
    assert not first.renew()  # the lock is the second's now: the first would exit
    second.release()


def test_a_holder_whose_lock_was_taken_over_is_stopped(name):
    holder = BeatLock(settings.CELERY_BROKER_URL, name=name, ttl=3)
    assert holder.acquire(wait=False)
    holder.client.delete(name)  # expired during a long pause, say
    BeatLock(settings.CELERY_BROKER_URL, name=name, ttl=3).acquire(wait=False)
    stopped = []
    holder.ttl = 0.03  # renew at once
    holder.keep(on_lost=lambda: stopped.append(True)).join(timeout=5)
    assert stopped == [True]
    holder.client.delete(name)


def test_beat_is_guarded_when_it_starts():
    from zhouqu_jiazheng import celery

    receivers = [
        receiver() if isinstance(receiver, weakref.ReferenceType) else receiver
        for _key, receiver in celery.beat_init.receivers
    ]
    assert celery._hold_beat_lock in receivers
