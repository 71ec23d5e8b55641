import datetime

import factory

from credit.models import CreditEvent, EventKind, Severity


class CreditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditEvent

    kind = EventKind.SUBSTANTIATED_COMPLAINT
    severity = Severity.GENERAL
    occurred_on = datetime.date(2025, 6, 1)
    title = "服务不达标"
    disclosure_until = factory.LazyAttribute(lambda o: o.occurred_on + datetime.timedelta(days=365))
