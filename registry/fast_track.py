"""绿色通道 (fast track): trustworthy enterprises' requests are reviewed first and within a
shorter target, as the plan promises (优化服务管理 for 守信主体).

A change request or an uploaded document is marked when it arrives: its enterprise
qualifies (`FAST_TRACK_CHECKS`) and its review is due `FAST_TRACK_REVIEW_DAYS` working days
later instead of `REVIEW_TARGET_DAYS`. The grade lives in `credit`, above this app, so credit
registers the check from its ready(); without one, nobody is fast-tracked.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from core.plugins import Registry
from core.workdays import add_working_days


@dataclass(frozen=True)
class FastTrackCheck:
    key: str
    # The ids among `enterprise_ids` that qualify on `day`.
    qualifying: Callable[[Iterable[int], date], set[int]]


FAST_TRACK_CHECKS: Registry[FastTrackCheck] = Registry("fast track")


def fast_track_ids(enterprise_ids: Iterable[int], day: date | None = None) -> set[int]:
    ids = {pk for pk in enterprise_ids if pk is not None}
    day = day or timezone.localdate()
    found: set[int] = set()
    for check in FAST_TRACK_CHECKS:
        found |= check.qualifying(ids, day)
    return found & ids


@dataclass(frozen=True)
class ReviewTarget:
    fast_track: bool
    due_on: date


def review_target(enterprise_id: int | None, day: date | None = None) -> ReviewTarget:
    """Whether a request of the enterprise arriving on `day` is fast-tracked, and its due day."""
    day = day or timezone.localdate()
    fast = enterprise_id in fast_track_ids([enterprise_id], day)
    days = settings.FAST_TRACK_REVIEW_DAYS if fast else settings.REVIEW_TARGET_DAYS
    return ReviewTarget(fast, add_working_days(day, days))


def review_target_apply(record, enterprise_id: int | None) -> None:
    target = review_target(enterprise_id)
    record.fast_track, record.review_due_on = target.fast_track, target.due_on
