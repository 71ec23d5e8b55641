"""Booking requests (预约服务) and free consultations (免费家政咨询), `/bookings/new/`.

A resident proves their mobile with an SMS code and asks for a service item or a free
consultation in a township, on a day. Who may take it: the operating enterprises taking
part in an in-force measure of the matching kind (优先预约派单 for a service, 免费家政咨询 for a
consultation) at or above its minimum grade, not on the key-management list, that take
bookings from the township (their participation's 接单乡镇, empty for the whole county) and,
for a service, offer the item. They are offered the request best grade first: the best
grade among them (tier 0) at once, the next grade a quarter of the response target later,
the next half-way — or at once when every enterprise before them declined. The first
enterprise to accept gets the resident's name and mobile; the resident gets an SMS naming
it; the other offers close.

A request is marked 优先 when a resident registered with the mobile is eligible for a
priority-booking measure (the one eligibility service decides, with the measure's groups,
service items and limits); a priority request is listed first and has the shorter target
(BOOKING_PRIORITY_RESPONSE_HOURS against BOOKING_RESPONSE_HOURS). A free consultation needs
a resident eligible for a free-consultation measure. A request waiting or accepted counts
against its measures' limits (e.g. 免费咨询每年1次) like a redemption. A request nobody
accepted by the end of the day the resident asked for (or of its response target, if
later) closes as 暂无企业接单 and the resident is told to call the bureau.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.audit import audited_save
from core.notifications import send_sms
from core.numbers import dated_number
from core.outbox import Undeliverable, outbox_enqueue, outbox_register
from core.validators import clean_mobile
from credit.models import GRADE_ORDER
from registry.models import Enterprise, ServiceCategory, ServiceOffering, Township, VerificationCode
from registry.services.codes import code_consume

from ..models import (
    Audience,
    BenefitKind,
    BookingKind,
    BookingNotice,
    BookingOffer,
    BookingRequest,
    IncentiveMeasure,
    Participation,
    Resident,
)
from ..standing import enterprise_standings
from .eligibility import eligibility

NUMBER_PREFIX = "YY"
NUMBER_LENGTH = 4
BOOKING_DAYS_AHEAD = 60
OPEN_PER_MOBILE = 3
ROUTING_BENEFIT = {
    BookingKind.SERVICE: BenefitKind.PRIORITY_BOOKING,
    BookingKind.CONSULTATION: BenefitKind.FREE_CONSULTATION,
}
N = BookingNotice.Recipient
S = BookingRequest.Status


def response_hours(priority: bool) -> int:
    if priority:
        return settings.BOOKING_PRIORITY_RESPONSE_HOURS
    return settings.BOOKING_RESPONSE_HOURS


def booking_measures(benefit: str, day: date):
    return IncentiveMeasure.objects.in_force(day).filter(
        audience=Audience.RESIDENT, benefit_kind=benefit
    )


@dataclass(frozen=True)
class BookingBenefit:
    """The registered resident (among those sharing the mobile) and the measure that
    applies, or the reasons none does."""

    resident: Resident | None
    measure: IncentiveMeasure | None
    reasons: list[str]


def booking_benefit(
    mobile_hash: str, benefit: str, category: ServiceCategory | None, day: date
) -> BookingBenefit:
    measures = list(booking_measures(benefit, day))
    residents = list(Resident.objects.filter(mobile_hash=mobile_hash).order_by("pk"))
    if not measures:
        return BookingBenefit(None, None, ["目前没有实施中的此项守信激励措施。"])
    if not residents:
        return BookingBenefit(
            None, None, ["这个手机号码还没有登记为守信激励居民（可在“居民登记”网上登记）。"]
        )
    reasons: list[str] = []
    for resident in residents:
        result = eligibility(subject=resident, category=category, day=day, measures=measures)
        for verdict in result.verdicts:
            if verdict.applies:
                return BookingBenefit(resident, verdict.measure, [])
            reasons.extend(check.text for check in verdict.checks if not check.ok)
    return BookingBenefit(residents[0], None, list(dict.fromkeys(reasons)))


def _candidates(booking: BookingRequest, day: date) -> list[tuple[Enterprise, str]]:
    """[(enterprise, grade)] that may take `booking`, best grade and score first."""
    measures = list(booking_measures(ROUTING_BENEFIT[booking.kind], day))
    if not measures:
        return []
    participations = (
        Participation.objects.filter(
            measure__in=measures,
            status=Participation.Status.ACTIVE,
            enterprise__business_status=Enterprise.BusinessStatus.OPERATING,
        )
        .filter(Q(townships=None) | Q(townships=booking.township))
        .select_related("enterprise", "measure")
        .distinct()
    )
    if booking.category_id is not None and booking.kind == BookingKind.SERVICE:
        offering = ServiceOffering.objects.filter(category=booking.category, is_active=True)
        participations = participations.filter(enterprise__in=offering.values("enterprise_id"))
    participations = list(participations)
    standings = enterprise_standings({p.enterprise for p in participations}, day)
    chosen: dict[int, tuple[Enterprise, str, float]] = {}
    for participation in participations:
        enterprise = participation.enterprise
        standing = standings[enterprise.pk]
        if standing.meets(participation.measure.min_grade):
            chosen[enterprise.pk] = (enterprise, standing.grade, float(standing.total or 0))
    ordered = sorted(chosen.values(), key=lambda row: (-GRADE_ORDER[row[1]], -row[2], row[0].name))
    return [(enterprise, grade) for enterprise, grade, _ in ordered]


def _offers(booking: BookingRequest, candidates, now: datetime) -> list[BookingOffer]:
    step = (booking.respond_by - now) / 4
    grades = list(dict.fromkeys(grade for _, grade in candidates))
    offers = []
    for enterprise, grade in candidates:
        tier = grades.index(grade)
        offers.append(
            BookingOffer(
                booking=booking,
                enterprise=enterprise,
                grade=grade,
                tier=tier,
                visible_from=now + step * tier,
            )
        )
    return BookingOffer.objects.bulk_create(offers)


def _notify(booking: BookingRequest, recipient: str, body: str, enterprise=None) -> None:
    notice = BookingNotice.objects.create(
        booking=booking, recipient=recipient, enterprise=enterprise, body=body
    )
    outbox_enqueue(NOTICES, [notice.pk])


def _enterprise_mobile(enterprise: Enterprise) -> str | None:
    try:
        return clean_mobile(enterprise.phone)
    except ValidationError:  # a landline: the portal is where it sees the request
        return None


def _notice_send(notice: BookingNotice) -> None:
    if notice.recipient == N.RESIDENT:
        address = personal_data.decrypt(notice.booking.mobile_encrypted)
    else:
        address = _enterprise_mobile(notice.enterprise) if notice.enterprise_id else None
    if not address:
        raise Undeliverable("no mobile for this recipient")
    send_sms(address, notice.body)


NOTICES = outbox_register(
    BookingNotice,
    send=_notice_send,
    max_attempts=5,
    select_related=("booking", "enterprise"),
    sms=True,
)


def _tell_enterprises(offers) -> None:
    for offer in offers:
        if _enterprise_mobile(offer.enterprise):
            _notify(
                offer.booking,
                N.ENTERPRISE,
                f"有居民预约{offer.booking.what}（{offer.booking.township.name}），"
                f"预约编号{offer.booking.number}，请登录企业服务平台“预约派单”及时处理。",
                enterprise=offer.enterprise,
            )
        offer.notified_at = timezone.now()
        offer.save(update_fields=["notified_at"])


@dataclass(frozen=True)
class BookingSubmitted:
    booking: BookingRequest
    offered_to: int


def _clean_request(kind, category, preferred_date: date, today: date) -> None:
    errors = {}
    if kind == BookingKind.SERVICE and category is None:
        errors["category"] = gettext("请选择需要的服务项目。")
    if preferred_date < today:
        errors["preferred_date"] = gettext("希望服务日期不能早于今天。")
    elif preferred_date > today + timedelta(days=BOOKING_DAYS_AHEAD):
        errors["preferred_date"] = gettext("只能预约%(days)s天以内的服务。") % {
            "days": BOOKING_DAYS_AHEAD
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def booking_submit(
    *,
    code: VerificationCode,
    mobile: str,
    kind: str,
    category: ServiceCategory | None,
    township: Township,
    preferred_date: date,
    preferred_part: str,
    contact_name: str,
    note: str = "",
    language: str = "",
) -> BookingSubmitted:
    """Store the request of the mobile `code` (checked by the caller) proved and offer it to
    the enterprises that may take it. The code is used up only when the request is stored."""
    now = timezone.now()
    today = timezone.localdate(now)
    mobile = clean_mobile(mobile)
    mobile_hash = personal_data.phone_hash(mobile)
    _clean_request(kind, category, preferred_date, today)
    if (
        BookingRequest.objects.filter(mobile_hash=mobile_hash, status=S.OPEN).count()
        >= OPEN_PER_MOBILE
    ):
        raise ValidationError(
            gettext("这个手机号码已有%(n)s个等待接单的预约，请等企业接单后再提交新的预约。")
            % {"n": OPEN_PER_MOBILE}
        )
    priority = booking_benefit(mobile_hash, BenefitKind.PRIORITY_BOOKING, category, today)
    consultation, resident, note_lines = None, priority.resident, []
    if kind == BookingKind.CONSULTATION:
        free = booking_benefit(mobile_hash, BenefitKind.FREE_CONSULTATION, category, today)
        if free.measure is None:
            raise ValidationError(
                gettext("免费家政咨询是守信激励居民的权益，这个手机号码目前不能享受：")
                + "".join(free.reasons)
            )
        consultation, resident = free.measure, free.resident
        note_lines.append(f"享受“{free.measure.title}”。")
    if priority.measure is not None:
        note_lines.append(f"符合“{priority.measure.title}”，优先派单。")
    else:
        note_lines.append("普通预约：" + "".join(priority.reasons))
    code_consume(code)
    booking = BookingRequest(
        number=dated_number(NUMBER_PREFIX, today, NUMBER_LENGTH),
        kind=kind,
        category=category,
        township=township,
        preferred_date=preferred_date,
        preferred_part=preferred_part,
        note=note.strip(),
        contact_name=contact_name.strip(),
        resident=resident,
        priority_measure=priority.measure,
        consultation_measure=consultation,
        is_priority=priority.measure is not None,
        eligibility_note="".join(note_lines),
        respond_by=now + timedelta(hours=response_hours(priority.measure is not None)),
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        **personal_data.phone_protect(mobile, "mobile"),
    )
    booking.full_clean(exclude=["number"], validate_constraints=False)
    audited_save(booking, actor=None)
    offers = _offers(booking, _candidates(booking, today), now)
    target = booking.respond_by.astimezone(timezone.get_current_timezone())
    if offers:
        _tell_enterprises([offer for offer in offers if offer.visible_from <= now])
        with translation.override(booking.language):
            _notify(
                booking,
                N.RESIDENT,
                gettext(
                    "您的%(what)s预约已提交，编号%(number)s。"
                    "我们已推送给信用良好的家政企业，预计%(by)s前会有企业接单并与您联系。"
                )
                % {
                    "what": booking.what,
                    "number": booking.number,
                    "by": date_format(target, "SHORT_DATETIME_FORMAT"),
                },
            )
    else:
        _close(booking, S.UNANSWERED, gettext_noop("没有可以接单的企业"), now)
    return BookingSubmitted(booking, len(offers))


def _close(booking: BookingRequest, status: str, reason: str, now: datetime) -> None:
    booking.status = status
    booking.closed_at = now
    booking.close_reason = reason
    audited_save(booking, actor=None, update_fields=["status", "closed_at", "close_reason"])
    booking.offers.filter(status=BookingOffer.Status.PENDING).update(
        status=BookingOffer.Status.CLOSED
    )
    if status == S.UNANSWERED:
        with translation.override(booking.language):
            _notify(
                booking,
                N.RESIDENT,
                gettext("很抱歉，您的预约%(number)s暂时没有企业接单。如需帮助，请拨打%(phone)s。")
                % {"number": booking.number, "phone": settings.COMPLAINT_PHONE},
            )


def _locked(offer: BookingOffer, enterprise: Enterprise) -> tuple[BookingRequest, BookingOffer]:
    booking = BookingRequest.objects.select_for_update().get(pk=offer.booking_id)
    offer = BookingOffer.objects.select_for_update().get(pk=offer.pk, enterprise=enterprise)
    now = timezone.now()
    if booking.status == S.ACCEPTED:
        raise ValidationError(_("该预约已由其他企业接单。"), code="taken")
    if booking.status != S.OPEN:
        raise ValidationError(f"该预约{booking.get_status_display()}，不能再处理。", code="closed")
    if offer.status != BookingOffer.Status.PENDING:
        raise ValidationError(f"本企业已{offer.get_status_display()}。", code="done")
    if offer.visible_from > now:
        raise ValidationError(_("该预约还没有推送给本企业。"), code="not_yet")
    return booking, offer


@transaction.atomic
def booking_accept(*, actor, enterprise: Enterprise, offer: BookingOffer) -> BookingRequest:
    """The first enterprise to accept takes the request; the others' offers close."""
    booking, offer = _locked(offer, enterprise)
    now = timezone.now()
    offer.status = BookingOffer.Status.ACCEPTED
    offer.responded_at, offer.responded_by = now, actor
    audited_save(offer, actor=actor)
    booking.offers.exclude(pk=offer.pk).filter(status=BookingOffer.Status.PENDING).update(
        status=BookingOffer.Status.CLOSED
    )
    booking.status, booking.enterprise, booking.accepted_at = S.ACCEPTED, enterprise, now
    audited_save(booking, actor=actor, update_fields=["status", "enterprise", "accepted_at"])
    with translation.override(booking.language):
        _notify(
            booking,
            N.RESIDENT,
            gettext(
                "您的预约%(number)s已由%(enterprise)s接单"
                "（联系电话%(phone)s），企业将很快与您联系确认服务时间。"
            )
            % {"number": booking.number, "enterprise": enterprise.name, "phone": enterprise.phone},
        )
    return booking


@transaction.atomic
def booking_decline(
    *, actor, enterprise: Enterprise, offer: BookingOffer, reason: str
) -> BookingRequest:
    """The enterprise cannot take it. When every enterprise that has seen the request
    declined, the next grade sees it at once; when all declined, it closes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("请说明不能接单的原因（如时间排不开、该乡镇人手不足）。")}
        )
    booking, offer = _locked(offer, enterprise)
    now = timezone.now()
    offer.status = BookingOffer.Status.DECLINED
    offer.responded_at, offer.responded_by = now, actor
    offer.decline_reason = reason[:200]
    audited_save(offer, actor=actor)
    pending = booking.offers.filter(status=BookingOffer.Status.PENDING)
    if not pending.exists():
        _close(booking, S.UNANSWERED, gettext_noop("推送的企业都不能接单"), now)
    elif not pending.filter(visible_from__lte=now).exists():
        following = min(pending.values_list("tier", flat=True))
        opened = list(pending.filter(tier=following).select_related("booking", "enterprise"))
        pending.filter(tier=following).update(visible_from=now)
        _tell_enterprises(opened)
    return booking


def _give_up_at(booking: BookingRequest) -> datetime:
    end_of_day = timezone.make_aware(
        datetime.combine(booking.preferred_date + timedelta(days=1), time.min)
    )
    return max(end_of_day, booking.respond_by)


@transaction.atomic
def bookings_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Tell enterprises of the tiers that have just been reached, and close the requests
    nobody accepted in time. Runs every few minutes from beat; running it twice changes
    nothing more."""
    now = now or timezone.now()
    reached = list(
        BookingOffer.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=BookingOffer.Status.PENDING,
            notified_at__isnull=True,
            visible_from__lte=now,
            booking__status=S.OPEN,
        )
        .select_related("booking__township", "booking__category", "enterprise")
    )
    _tell_enterprises(reached)
    closed = 0
    for booking in BookingRequest.objects.select_for_update(skip_locked=True).filter(
        status=S.OPEN, respond_by__lte=now
    ):
        if _give_up_at(booking) <= now:
            _close(booking, S.UNANSWERED, gettext_noop("超过预约日期仍无企业接单"), now)
            closed += 1
    return {"notified": len(reached), "closed": closed}


@transaction.atomic
def booking_cancel(*, booking: BookingRequest, mobile_hash: str) -> BookingRequest:
    """The resident (who proved the mobile) withdraws a request not yet accepted."""
    booking = BookingRequest.objects.select_for_update().get(pk=booking.pk)
    if booking.mobile_hash != mobile_hash:
        raise ValidationError(_("只能取消本人的预约。"))
    if booking.status != S.OPEN:
        raise ValidationError(
            gettext("该预约%(status)s，不能取消。") % {"status": booking.get_status_display()}
        )
    _close(booking, S.CANCELLED, "居民取消", timezone.now())
    return booking
