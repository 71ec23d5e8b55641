"""Reads of the credit sections of the public enterprise profile: the grade history and the
honours. Public: final ratings, and a rating under publicity (公示中) marked as such."""

from datetime import date

from django.utils import timezone

from registry.models import Enterprise

from .models import CreditEvent, EventKind, Rating

PUBLIC_STATUSES = (Rating.Status.PUBLICISED, Rating.Status.FINAL)


def grade_history(enterprise: Enterprise) -> list[Rating]:
    """The enterprise's final ratings by year, latest first, with the year's rating under
    publicity when there is one; drafts stay inside the bureau."""
    return list(
        Rating.objects.filter(enterprise=enterprise, status__in=PUBLIC_STATUSES)
        .only(
            "year",
            "grade",
            "total",
            "status",
            "not_graded_reason",
            "publicity_ends_on",
            "enterprise_id",
        )
        .order_by("-year")
    )


def awards(enterprise: Enterprise, today: date | None = None) -> list[CreditEvent]:
    """Commendations (表彰奖励) in the enterprise's credit file still within disclosure."""
    today = today or timezone.localdate()
    return list(
        CreditEvent.objects.counting_on(today)
        .filter(enterprise=enterprise, kind=EventKind.AWARD)
        .only("occurred_on", "title", "kind", "enterprise_id")
        .order_by("-occurred_on", "-id")
    )
