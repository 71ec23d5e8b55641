"""Issuing an enterprise credit report (信用报告): a numbered snapshot of what the registers
and the credit file say on the day, valid for CREDIT_REPORT_VALID_DAYS."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audited, history_user
from core.numbers import dated_number
from registry.models import Enterprise

from ..models import REPORT_NUMBER_PREFIX, REPORT_NUMBER_RANDOM_LENGTH, CreditReport
from ..selectors_report import report_content

NUMBER_ATTEMPTS = 5


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
        content=report_content(enterprise, today),
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
