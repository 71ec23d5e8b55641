"""Booking requests of the demo county, in every state: accepted (priority ones answered
faster), waiting for an enterprise, declined by all, cancelled by the resident, and free
consultations given. They go through the same services as the public page; their times are
then moved back over the past weeks so the dashboard's response figures have a history."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from core import personal_data
from incentives.code_purposes import BOOKING
from incentives.models import BookingKind, BookingOffer, BookingRequest, Resident
from incentives.services.bookings import (
    booking_accept,
    booking_cancel,
    booking_decline,
    booking_submit,
)
from registry.models import ServiceCategory, Township
from registry.services.codes import code_send

from .story import demo_rng

# (state, priority resident?, kind)
PLAN = [
    ("accepted", True, BookingKind.SERVICE),
    ("accepted", True, BookingKind.SERVICE),
    ("accepted", True, BookingKind.CONSULTATION),
    ("accepted", True, BookingKind.SERVICE),
    ("accepted", False, BookingKind.SERVICE),
    ("accepted", False, BookingKind.SERVICE),
    ("accepted", False, BookingKind.SERVICE),
    ("unanswered", False, BookingKind.SERVICE),
    ("cancelled", False, BookingKind.SERVICE),
    ("open", True, BookingKind.SERVICE),
    ("open", False, BookingKind.SERVICE),
    ("open", True, BookingKind.CONSULTATION),
]
NAMES = ["王阿姨", "李老师", "卓玛", "马师傅", "张大姐", "杨先生", "才让", "赵奶奶"]


def demo_booking_mobile(index: int) -> str:
    return f"1389942{index:04d}"


def _priority_mobiles() -> list[str]:
    """Mobiles of verified residents in good credit (each may ask for one consultation)."""
    residents = Resident.objects.filter(
        credit_status=Resident.CreditStatus.GOOD, verified_at__isnull=False
    ).order_by("pk")
    return [personal_data.phone_plain(r, "mobile") for r in residents[:10]]


def _submit(index: int, mobile: str, kind: str, categories, townships):
    rng = demo_rng(f"booking-{index}")
    record = code_send(purpose=BOOKING, mobile=mobile, message="演示预约验证码{code}")
    return booking_submit(
        code=record,
        mobile=mobile,
        kind=kind,
        category=rng.choice(categories) if kind == BookingKind.SERVICE else None,
        township=rng.choice(townships),
        preferred_date=timezone.localdate() + timedelta(days=rng.randrange(1, 6)),
        preferred_part=rng.choice(["morning", "afternoon", "any"]),
        contact_name=rng.choice(NAMES),
        note=rng.choice(["", "家里有老人，请提前电话联系", "两室一厅，约80平方米"]),
    ).booking


def _move_back(booking: BookingRequest, days: int, waited_minutes: int | None) -> None:
    """Re-date a finished request `days` ago, answered after `waited_minutes`."""
    shift = timedelta(days=days)
    rows = BookingRequest.objects.filter(pk=booking.pk)
    rows.update(
        created_at=F("created_at") - shift,
        respond_by=F("respond_by") - shift,
        preferred_date=F("preferred_date") - shift,
        closed_at=F("closed_at") - shift,
    )
    if waited_minutes is not None:
        rows.update(accepted_at=F("created_at") + timedelta(minutes=waited_minutes))
    BookingOffer.objects.filter(booking=booking).update(
        visible_from=F("visible_from") - shift, responded_at=F("responded_at") - shift
    )


def bookings_demo_seed() -> int:
    if BookingRequest.objects.exists():
        return 0
    categories = list(ServiceCategory.objects.filter(is_active=True).order_by("sort_order")[:6])
    townships = list(Township.objects.order_by("sort_order")[:6])
    priority = _priority_mobiles()
    if not (categories and townships and priority):
        return 0
    made = 0
    for index, (state, is_priority, kind) in enumerate(PLAN):
        rng = demo_rng(f"booking-state-{index}")
        mobile = priority.pop(0) if is_priority and priority else demo_booking_mobile(index)
        if kind == BookingKind.CONSULTATION and not is_priority:
            continue
        try:
            booking = _submit(index, mobile, kind, categories, townships)
        except ValidationError:
            continue  # e.g. a consultation already used this year
        made += 1
        offers = list(booking.offers.select_related("enterprise").order_by("tier", "pk"))
        if state == "accepted" and offers:
            booking_accept(actor=None, enterprise=offers[0].enterprise, offer=offers[0])
            waited = rng.randrange(20, 150) if booking.is_priority else rng.randrange(120, 1200)
            _move_back(booking, rng.randrange(3, 40), waited)
        elif state == "unanswered" and offers:
            for offer in offers:
                BookingOffer.objects.filter(pk=offer.pk).update(visible_from=timezone.now())
                booking_decline(
                    actor=None, enterprise=offer.enterprise, offer=offer, reason="人手已排满"
                )
            _move_back(booking, rng.randrange(3, 20), None)
        elif state == "cancelled" and booking.status == BookingRequest.Status.OPEN:
            booking_cancel(booking=booking, mobile_hash=booking.mobile_hash)
            _move_back(booking, rng.randrange(1, 10), None)
    return made


def bookings_demo_to_try() -> list[str]:
    waiting = BookingRequest.objects.filter(status=BookingRequest.Status.OPEN).count()
    return [
        "预约家政服务 {site}/bookings/new/ ：用上面“信用良好”的演示居民手机号预约会标为“优先”；",
        f"  企业服务平台“预约派单”可接单或谢绝（当前等待接单 {waiting} 个）。",
    ]
