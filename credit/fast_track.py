"""Which enterprises get the registry's 绿色通道 (registry.fast_track): a latest FINAL grade
of AA or AAA, and not on the key-management list that day."""

from datetime import date

from registry.fast_track import FAST_TRACK_CHECKS, FastTrackCheck

from .models import Grade, KeyListEntry
from .selectors import latest_final_ratings

FAST_TRACK_GRADES = (Grade.AAA, Grade.AA)


def trustworthy_enterprises(enterprise_ids, day: date) -> set[int]:
    ids = list(enterprise_ids)
    if not ids:
        return set()
    graded = {
        pk for pk, rating in latest_final_ratings(ids).items() if rating.grade in FAST_TRACK_GRADES
    }
    listed = set(
        KeyListEntry.objects.on(day)
        .filter(enterprise_id__in=list(graded))
        .values_list("enterprise_id", flat=True)
    )
    return graded - listed


def register() -> None:
    FAST_TRACK_CHECKS.register(FastTrackCheck("grade", trustworthy_enterprises))
