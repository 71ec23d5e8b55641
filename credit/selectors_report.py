"""What an enterprise credit report (信用报告) says, read from the registers and the credit
file on the day it is issued, and how an issued report is found and shown again.

The content is a JSON-ready dict (dates as ISO strings) that the report keeps for good;
`report_page` turns it back into what the one report template renders, for the portal, the
back office and the public verification page alike.

The rules are those of the public pages: grades are final ratings (a publicised one is
marked 公示中, a draft never appears); credit records are those that count on the day
(active and within their disclosure period, `CreditEvent.objects.counting_on`), so a
repaired, revoked or expired record is not in the report; honours are the award records
that count and the years on the honour roll (selectors_honour); key management is the
list on the day (`KeyListEntry.objects.on`). No personal number is read: the report names
no worker at all."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count
from django.utils.dateparse import parse_date

from core.numbers import is_dated_number, normalise_number
from registry.models import Enterprise, EnterpriseQualification, Validity, validity_for

from .models import (
    NEUTRAL_KINDS,
    REPORT_NUMBER_PREFIX,
    REPORT_NUMBER_RANDOM_LENGTH,
    CreditEvent,
    CreditReport,
    EventKind,
    KeyListEntry,
    Rating,
)
from .selectors_honour import enterprise_honour_years

# Bump when the content's shape changes; `report_page` reads every version issued.
CONTENT_VERSION = 1
REPORT_GRADES = (Rating.Status.PUBLICISED, Rating.Status.FINAL)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _registration(enterprise: Enterprise) -> dict:
    return {
        "name": enterprise.name,
        "kind": enterprise.get_kind_display(),
        "uscc": enterprise.uscc,
        "legal_representative": enterprise.legal_representative,
        "registered_address": enterprise.registered_address,
        "business_address": enterprise.business_address,
        "township": enterprise.township.name,
        "established_on": _iso(enterprise.established_on),
        "business_status": enterprise.get_business_status_display(),
        "phone": enterprise.phone,
    }


def _licences(enterprise: Enterprise, day: date) -> list[dict]:
    licences = EnterpriseQualification.objects.filter(enterprise=enterprise).order_by(
        "kind", "-valid_to", "pk"
    )
    return [
        {
            "kind": licence.get_kind_display(),
            "name": licence.name or licence.get_kind_display(),
            "number": licence.number,
            "issuer": licence.issuer,
            "valid_from": _iso(licence.valid_from),
            "valid_to": _iso(licence.valid_to),
            "validity": Validity(validity_for(licence.valid_to, day)).label,
        }
        for licence in licences
    ]


def _grades(enterprise: Enterprise) -> list[dict]:
    ratings = Rating.objects.filter(enterprise=enterprise, status__in=REPORT_GRADES).order_by(
        "-year"
    )
    return [
        {
            "year": rating.year,
            "grade": rating.grade,
            "grade_label": rating.get_grade_display(),
            "total": str(rating.total),
            "not_graded_reason": rating.not_graded_reason,
            "publicised": rating.status == Rating.Status.PUBLICISED,
            "publicity_ends_on": _iso(rating.publicity_ends_on),
        }
        for rating in ratings
    ]


def _event(event: CreditEvent) -> dict:
    return {
        "occurred_on": _iso(event.occurred_on),
        "kind": event.get_kind_display(),
        "severity": event.get_severity_display(),
        "title": event.title,
        "disclosure_until": _iso(event.disclosure_until),
    }


def _credit_file(enterprise: Enterprise, day: date) -> dict:
    counting = CreditEvent.objects.filter(enterprise=enterprise).counting_on(day)
    listed = (
        counting.exclude(kind__in=NEUTRAL_KINDS)
        .only("occurred_on", "kind", "severity", "title", "disclosure_until")
        .order_by("-occurred_on", "-id")
    )
    negative, positive, awards = [], [], []
    for event in listed:
        if event.kind == EventKind.AWARD:
            awards.append(_event(event))
        else:
            (positive if event.is_positive else negative).append(_event(event))
    reviews = counting.filter(kind__in=NEUTRAL_KINDS).aggregate(
        count=Count("id"), average=Avg("value")
    )
    average = reviews["average"]
    return {
        "negative_events": negative,
        "positive_events": positive,
        "awards": awards,
        "reviews": {
            "count": reviews["count"],
            "average": str(Decimal(average).quantize(Decimal("0.1"))) if average else None,
        },
    }


def _key_management(enterprise: Enterprise, day: date) -> list[dict]:
    entries = KeyListEntry.objects.on(day).filter(enterprise=enterprise).order_by("starts_on")
    return [
        {"reason": e.reason, "starts_on": _iso(e.starts_on), "ends_on": _iso(e.ends_on)}
        for e in entries
    ]


def report_content(enterprise: Enterprise, day: date) -> dict:
    """Everything a report issued on `day` says about `enterprise` (about eight queries)."""
    enterprise = Enterprise.objects.select_related("township").get(pk=enterprise.pk)
    return {
        "version": CONTENT_VERSION,
        "as_of": _iso(day),
        "enterprise": _registration(enterprise),
        "licences": _licences(enterprise, day),
        "grades": _grades(enterprise),
        **_credit_file(enterprise, day),
        "honour_years": enterprise_honour_years(enterprise),
        "key_management": _key_management(enterprise, day),
    }


# --- Finding and showing an issued report ------------------------------------------------------


def report_number_problem(value: str) -> str | None:
    """Why `value` cannot be a report number, or None (a normalised number may still be
    unknown)."""
    if not (value or "").strip():
        return "请填写报告编号。"
    number = normalise_number(value)
    if not is_dated_number(number, REPORT_NUMBER_PREFIX, REPORT_NUMBER_RANDOM_LENGTH):
        return (
            "报告编号应为XY开头的18位编号（XY、8位日期和8位字母数字），"
            "例如XY20251120K7Q4XP2M，请核对后重新输入。"
        )
    return None


def report_for_number(value: str) -> CreditReport | None:
    """The report with the number `value` (as typed: any case, spaces or dashes), or None."""
    number = normalise_number(value)
    if report_number_problem(number):
        return None
    return CreditReport.objects.filter(number=number).first()


def _dates(value):
    """The content with its ISO date strings turned back into dates."""
    if isinstance(value, dict):
        return {key: _dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates(item) for item in value]
    if isinstance(value, str) and _ISO_DATE.match(value):
        return parse_date(value)
    return value


@dataclass(frozen=True)
class ReportPage:
    report: CreditReport
    content: dict
    expired: bool

    @property
    def number(self) -> str:
        return self.report.number


def report_page(report: CreditReport, today: date) -> ReportPage:
    """What the report template renders: the content as issued, and whether the report has
    expired by `today` (it is still shown, marked expired)."""
    return ReportPage(
        report=report, content=_dates(report.content), expired=report.expired_on(today)
    )
