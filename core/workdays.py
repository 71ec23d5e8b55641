"""Working days on China's official calendar, for every deadline counted in them: the
statutory complaint deadlines and the review targets of enterprises' requests (绿色通道).

The market-regulation complaint rules count in working days (工作日): weekends and public
holidays do not count, and the make-up working days (调休, e.g. Sunday 2025-01-26 and
Saturday 2025-10-11) do. The `holidays` package carries the State Council's calendar; it is
published late each year, so keeping the package current keeps the deadlines right.
"""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=[year])


def is_working_day(day: date) -> bool:
    return _calendar(day.year).is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    """The day on which `days` working days after `start` have elapsed.

    The day of receipt itself does not count (the period starts the next day), so a
    complaint received on Friday 2025-09-26 with 7 working days is due on Monday
    2025-10-13, across the National Day holiday and its make-up Sunday and Saturday."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
