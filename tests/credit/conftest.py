"""Fixtures of the worker's own record tests: an SMS outbox and two rated workers."""

import pytest

from core.notifications import MemorySmsBackend
from credit.services.publication import ratings_publish
from tests.factories.credit_workflows import rate_year, rating_of

from .worker_sign_in import OUR_MOBILE, THEIR_MOBILE, rated_worker


@pytest.fixture
def sms(settings):
    """SMS go to MemorySmsBackend.outbox; returns that list (emptied first)."""
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def rated_workers(django_user_model):
    """Two workers with a negative record each, their 2025 ratings publicised."""
    staff = django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)
    ours, our_penalty = rated_worker(OUR_MOBILE, "卓玛草")
    theirs, their_penalty = rated_worker(THEIR_MOBILE, "杨建国")
    rate_year()
    ratings_publish(actor=staff, year=2025)
    return {
        "ours": ours,
        "penalty": our_penalty,
        "rating": rating_of(ours),
        "theirs": theirs,
        "their_penalty": their_penalty,
        "their_rating": rating_of(theirs),
        "staff": staff,
    }
