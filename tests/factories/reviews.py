"""Factories for service reviews, written directly (not through the services) so a test can
set up a review in any state."""

import datetime

import factory

from core.personal_data import phone_hash, phone_mask
from reviews.models import ServiceReview
from tests.factories.registry import EnterpriseFactory


class ServiceReviewFactory(factory.django.DjangoModelFactory):
    """A review written directly, without its credit records (use the service for those)."""

    class Meta:
        model = ServiceReview

    class Params:
        phone = "13809412345"

    enterprise = factory.SubFactory(EnterpriseFactory)
    worker = None
    service_date = datetime.date(2025, 10, 1)
    quality = 5
    punctuality = 4
    attitude = 5
    comment = "做事细致，准时上门。"
    phone_hash = factory.LazyAttribute(lambda o: phone_hash(o.phone))
    phone_masked = factory.LazyAttribute(lambda o: phone_mask(o.phone))
