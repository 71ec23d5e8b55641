"""Periods of local dates (Asia/Shanghai) for the statistics: a year, or a range of days, as
ranges on indexed datetime columns."""

import datetime
import zoneinfo

from django.conf import settings


def local_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_tz())


def period_filter(
    field: str, date_from: datetime.date | None, date_to: datetime.date | None
) -> dict[str, datetime.datetime]:
    """Filter arguments keeping the rows whose `field` falls between two local dates
    (inclusive); an open end is not filtered."""
    bounds: dict[str, datetime.datetime] = {}
    if date_from is not None:
        bounds[f"{field}__gte"] = local_midnight(date_from)
    if date_to is not None:
        bounds[f"{field}__lt"] = local_midnight(date_to + datetime.timedelta(days=1))
    return bounds
