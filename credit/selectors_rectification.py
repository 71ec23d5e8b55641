"""Reading rectification notices (整改通知) as the enterprise and the portal home see them."""

from django.db.models import QuerySet

from .models import RectificationNotice

WAITING_RANK = {
    RectificationNotice.Status.ISSUED: 0,
    RectificationNotice.Status.REJECTED: 0,
    RectificationNotice.Status.SUBMITTED: 1,
}


def notices_open_first(notices: QuerySet[RectificationNotice]) -> list[RectificationNotice]:
    """Notices waiting for the enterprise first (earliest deadline first), then those
    waiting for staff, then settled ones, latest first."""
    rows = list(notices.order_by("-issued_at", "-pk"))

    def key(notice):
        rank = WAITING_RANK.get(notice.status)
        if rank is None:
            return (2, 0)
        return (rank, notice.deadline.toordinal())

    return sorted(rows, key=key)  # stable: settled ones stay latest first


def open_notices(enterprise) -> list[RectificationNotice]:
    """The enterprise's notices not settled yet, open first (the portal home's card)."""
    return notices_open_first(RectificationNotice.objects.filter(enterprise=enterprise).open())
