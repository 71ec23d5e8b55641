"""The statutory limits of complaint handling, in one place: the code that computes the
deadlines and every text that states them (pages, timeline lines, admin labels) read them
from here. 市场监督管理投诉举报处理暂行办法 counts them in working days (`core.workdays`).

The enterprise's time to answer an accepted complaint is the bureau's own rule, set by
COMPLAINT_RESPONSE_DAYS (default 5 working days)."""

from datetime import timedelta

from django.conf import settings

ACCEPTANCE_DAYS = 7  # decide whether to accept, from the day of receipt
MEDIATION_DAYS = 45  # mediate, from acceptance
NOTIFICATION_DAYS = 7  # notify the parties of the outcome, from the end of mediation
# 举报: verify the report, from acceptance (市场监督管理行政处罚程序规定 第十八条: 核查 within
# fifteen working days).
INVESTIGATION_DAYS = 15
OLDEST_SERVICE_YEARS = 3  # a complaint about a service older than this is not accepted
OLDEST_SERVICE = timedelta(days=OLDEST_SERVICE_YEARS * 365)

# Working days of each stage of an open case, keyed by `Stage`'s values.
STAGE_DAYS = {
    "acceptance": ACCEPTANCE_DAYS,
    "mediation": MEDIATION_DAYS,
    "notification": NOTIFICATION_DAYS,
    "investigation": INVESTIGATION_DAYS,
}


def response_days() -> int:
    """Working days an enterprise has to answer an accepted complaint."""
    return settings.COMPLAINT_RESPONSE_DAYS


def statutory_days() -> dict[str, int]:
    """Every limit by name, for the texts that state them (`{% statutory_days "..." %}`)."""
    return {**STAGE_DAYS, "response": response_days()}
