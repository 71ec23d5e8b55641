from celery import shared_task

from .services.bookings import bookings_tick


@shared_task(name="incentives.tasks.bookings_tick", soft_time_limit=240, time_limit=300)
def tick_bookings() -> dict[str, int]:
    """Every 5 minutes: tell the enterprises a booking has just reached, close the bookings
    nobody accepted in time."""
    return bookings_tick()
