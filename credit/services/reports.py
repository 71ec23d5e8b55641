"""Issuing an enterprise credit report (信用报告): a numbered snapshot of what the registers
and the credit file say on the day, valid for CREDIT_REPORT_VALID_DAYS."""

import json
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from core.audit import audited, history_user
from core.numbers import dated_number
from registry.models import Enterprise

from ..models import REPORT_NUMBER_PREFIX, REPORT_NUMBER_RANDOM_LENGTH, CreditReport
from ..selectors_report import report_content

NUMBER_ATTEMPTS = 5


def _snapshot(content: dict) -> dict:
    """The report as stored: plain JSON, its labels in the source language (a report is
    issued in Chinese whatever the page that asked for it)."""
    with translation.override(settings.LANGUAGE_CODE):
        return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


@transaction.atomic
def credit_report_issue(*, actor, enterprise: Enterprise, channel: str) -> CreditReport:
    """Issue a report of `enterprise` today, by `actor` (a staff user or a portal account's
    user) through `channel` (CreditReport.Channel)."""
    now = timezone.now()
    today = timezone.localdate(now)
    report = CreditReport(
        enterprise=enterprise,
        issued_at=now,
        valid_until=today + timedelta(days=settings.CREDIT_REPORT_VALID_DAYS),
        issued_by=history_user(actor),
        channel=channel,
        content=_snapshot(report_content(enterprise, today)),
    )
    report.full_clean(exclude=["number"])
    audited(report, actor=actor)
    # The random part makes a collision a one-in-a-trillion event a day; retry, not fail.
    for _attempt in range(NUMBER_ATTEMPTS):
        report.number = dated_number(REPORT_NUMBER_PREFIX, today, REPORT_NUMBER_RANDOM_LENGTH)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            continue
        return report
    raise RuntimeError("could not draw a free credit report number")  # pragma: no cover
