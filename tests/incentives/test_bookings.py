"""Booking requests (/bookings/new/): priority for eligible residents, free consultations
within the measure's limit, offers best grade first, the first acceptance wins, and the
abuse limits of a public form."""

import datetime

import pytest
from django.urls import reverse

from core import personal_data
from core.service_proofs import ServiceClaim, service_proof
from incentives.models import BookingOffer, BookingRequest, Participation
from incentives.selectors_bookings import booking_figures
from incentives.services import booking_accept, booking_cancel, booking_decline, bookings_tick
from registry.models import ServiceCategory, Township, VerificationCode
from tests.factories.incentives import ResidentFactory, default_catalogue, grade, join, key_list
from tests.factories.registry import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
    township,
)

from .conftest import TODAY, last_code

pytestmark = pytest.mark.django_db

NEW = reverse("bookings:new")
MINE = reverse("bookings:mine")
MOBILE = "13909413030"
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def catalogue():
    return default_catalogue()[0]


def first_item():
    """A service item of the reference catalogue."""
    return ServiceCategory.objects.filter(is_active=True).order_by("sort_order", "pk").first()


@pytest.fixture
def cleaning():
    return first_item()


def taking_part(grade_value, category, measures, **kwargs):
    enterprise = EnterpriseFactory(**kwargs)
    grade(enterprise, grade_value)
    ServiceOfferingFactory(enterprise=enterprise, category=category)
    join(enterprise, *measures)
    return enterprise


@pytest.fixture
def enterprises(catalogue, cleaning):
    priority = catalogue["resident-priority-booking"]
    consultation = catalogue["resident-free-consultation"]
    return {
        "aaa": taking_part("AAA", cleaning, [priority, consultation], name="甲级家政"),
        "aa": taking_part("AA", cleaning, [priority], name="乙级家政", phone="13909410002"),
        "a": taking_part("A", cleaning, [priority], name="丙级家政", phone="0941-5120000"),
    }


def send(client, sms, capture, mobile=MOBILE, kind="service"):
    with capture(execute=True):
        response = client.post(NEW, {"action": "send", "mobile": mobile, "kind": kind})
    return response, last_code([m for m in sms if m[0] == mobile and "验证码" in m[1]])


def book(client, code, mobile=MOBILE, **extra):
    data = {
        "action": "book",
        "mobile": mobile,
        "code": code,
        "kind": "service",
        "category": first_item().pk,
        "township": township().pk,
        "preferred_date": (TODAY + datetime.timedelta(days=2)).isoformat(),
        "preferred_part": "morning",
        "contact_name": "王阿姨",
        "note": "两室一厅，家里有老人",
        "website": "",
    }
    data.update(extra)
    return client.post(NEW, data, follow=True)


@pytest.fixture
def booked(client, sms, django_capture_on_commit_callbacks, enterprises, clock):
    def make(mobile=MOBILE, **extra):
        clock.shift(datetime.timedelta(minutes=2))  # codes are sent a minute apart at most
        _, code = send(client, sms, django_capture_on_commit_callbacks, mobile)
        with django_capture_on_commit_callbacks(execute=True):
            response = book(client, code, mobile, **extra)
        return response

    return make


def test_a_registered_resident_in_good_credit_books_with_priority(
    booked, sms, enterprises, settings
):
    ResidentFactory(mobile=MOBILE)
    page = booked().content.decode()
    booking = BookingRequest.objects.get()
    assert "预约已提交" in page and booking.number in page and "优先" in page
    assert booking.is_priority and booking.priority_measure.code == "resident-priority-booking"
    assert (
        booking.respond_by == booking.created_at + settings.BOOKING_PRIORITY_RESPONSE_HOURS * HOUR
    )
    assert booking.mobile_hash == personal_data.phone_hash(MOBILE)
    assert MOBILE not in str(BookingRequest.objects.values().get())
    assert VerificationCode.objects.get().used_at is not None
    # Best grade first: AAA at once, AA a quarter of the target later, A half-way.
    step = booking.respond_by - booking.created_at
    offers = {o.enterprise.name: o for o in booking.offers.select_related("enterprise")}
    assert [offers[n].tier for n in ("甲级家政", "乙级家政", "丙级家政")] == [0, 1, 2]
    assert offers["甲级家政"].visible_from == booking.created_at
    assert offers["乙级家政"].visible_from == booking.created_at + step / 4
    assert offers["丙级家政"].visible_from == booking.created_at + step / 2
    # The resident's receipt and the first tier's reminder, nobody else's yet.
    bodies = [body for _, body in sms]
    assert any(booking.number in b and "已提交" in b for b in bodies)
    assert [to for to, body in sms if "请登录企业服务平台" in body] == ["13909410001"]


def test_an_unregistered_mobile_books_as_an_ordinary_request(booked, settings):
    page = booked().content.decode()
    booking = BookingRequest.objects.get()
    assert not booking.is_priority and booking.priority_measure is None
    assert booking.respond_by == booking.created_at + settings.BOOKING_RESPONSE_HOURS * HOUR
    assert "还没有登记" in booking.eligibility_note
    assert "预约已提交" in page


def test_a_resident_on_the_dishonesty_list_gets_no_priority(booked):
    ResidentFactory(mobile=MOBILE, credit_status="dishonest", credit_note="失信被执行人")
    booked()
    booking = BookingRequest.objects.get()
    assert not booking.is_priority and "失信" in booking.eligibility_note


def test_a_free_consultation_needs_an_eligible_resident_and_keeps_to_the_yearly_limit(
    booked, enterprises
):
    page = booked(kind="consultation", category="").content.decode()
    assert "不能享受" in page and not BookingRequest.objects.exists()
    assert VerificationCode.objects.filter(used_at__isnull=True).count() == 1

    ResidentFactory(mobile=MOBILE)
    page = booked(kind="consultation", category="").content.decode()
    booking = BookingRequest.objects.get()
    assert booking.consultation_measure.code == "resident-free-consultation"
    assert "免费家政咨询" in page
    # Only the enterprise that gives free consultations is offered it.
    assert list(booking.offers.values_list("enterprise__name", flat=True)) == ["甲级家政"]
    # 每年1次: a second one this year is refused while the first counts.
    page = booked(kind="consultation", category="").content.decode()
    assert "已达上限" in page and BookingRequest.objects.count() == 1


def test_only_enterprises_that_may_take_it_are_offered_the_request(
    booked, catalogue, cleaning, enterprises
):
    priority = catalogue["resident-priority-booking"]
    taking_part("B", cleaning, [priority], name="警示家政")
    key_listed = taking_part("AA", cleaning, [priority], name="重点管理家政")
    key_list(key_listed)
    other_item = ServiceCategoryFactory(code="probe-care", name="测试项目", sort_order=999)
    taking_part("AAA", other_item, [priority], name="只做养老")
    taking_part("AAA", cleaning, [], name="没有参加")
    elsewhere = taking_part("AAA", cleaning, [priority], name="只接大川镇")
    Participation.objects.get(enterprise=elsewhere).townships.set(
        [Township.objects.get_or_create(name="大川镇", defaults={"kind": "town"})[0]]
    )
    booked()
    offered = set(BookingRequest.objects.get().offers.values_list("enterprise__name", flat=True))
    assert offered == {"甲级家政", "乙级家政", "丙级家政"}


def test_a_request_nobody_can_take_closes_at_once_and_says_whom_to_call(client, sms, booked):
    Participation.objects.all().delete()
    page = booked().content.decode()
    booking = BookingRequest.objects.get()
    assert booking.status == BookingRequest.Status.UNANSWERED
    assert "暂时没有企业可以接单" in page
    assert any("暂时没有企业接单" in body for _, body in sms)


def test_the_first_acceptance_wins_and_the_resident_learns_who_comes(
    booked, enterprises, sms, clock, django_capture_on_commit_callbacks
):
    booked()
    booking = BookingRequest.objects.get()
    first = booking.offers.get(enterprise=enterprises["aaa"])
    clock.shift(7 * HOUR)  # 24 h target: the AA tier is reached after 6 h
    second = booking.offers.get(enterprise=enterprises["aa"])
    sms.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(actor=None, enterprise=enterprises["aa"], offer=second)
    with pytest.raises(Exception, match="已由其他企业接单"):
        booking_accept(actor=None, enterprise=enterprises["aaa"], offer=first)
    booking.refresh_from_db()
    assert booking.status == "accepted" and booking.enterprise == enterprises["aa"]
    assert booking.offers.get(pk=first.pk).status == BookingOffer.Status.CLOSED
    assert [to for to, _ in sms] == [MOBILE] and "乙级家政" in sms[0][1]


def test_an_enterprise_cannot_accept_before_its_tier_is_reached(booked, enterprises):
    booked()
    offer = BookingOffer.objects.get(enterprise=enterprises["a"])
    with pytest.raises(Exception, match="还没有推送"):
        booking_accept(actor=None, enterprise=enterprises["a"], offer=offer)


def test_when_a_tier_declines_the_next_grade_sees_it_at_once_and_all_declining_closes_it(
    booked, enterprises, sms, django_capture_on_commit_callbacks
):
    booked()
    booking = BookingRequest.objects.get()
    sms.clear()
    with pytest.raises(Exception, match="原因"):
        booking_decline(
            actor=None,
            enterprise=enterprises["aaa"],
            offer=booking.offers.get(enterprise=enterprises["aaa"]),
            reason=" ",
        )
    with django_capture_on_commit_callbacks(execute=True):
        booking_decline(
            actor=None,
            enterprise=enterprises["aaa"],
            offer=booking.offers.get(enterprise=enterprises["aaa"]),
            reason="本周人手排满",
        )
    aa = booking.offers.get(enterprise=enterprises["aa"])
    assert aa.visible_from == booking.created_at and aa.notified_at is not None
    assert [to for to, _ in sms] == ["13909410002"]
    for key in ("aa", "a"):
        booking_decline(
            actor=None,
            enterprise=enterprises[key],
            offer=booking.offers.get(enterprise=enterprises[key]),
            reason="不在服务范围",
        )
    booking.refresh_from_db()
    assert booking.status == BookingRequest.Status.UNANSWERED


def test_the_tick_tells_each_tier_once_and_closes_what_nobody_took(
    booked, enterprises, sms, clock, django_capture_on_commit_callbacks
):
    booked()  # 24 h target: AA after 6 h, A after 12 h (A has a landline: no SMS)
    sms.clear()
    clock.shift(7 * HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_tick() == {"notified": 1, "closed": 0}
        assert bookings_tick() == {"notified": 0, "closed": 0}
    assert [to for to, _ in sms] == ["13909410002"]
    clock.shift(3 * 24 * HOUR)  # past the day asked for and the target
    with django_capture_on_commit_callbacks(execute=True):
        result = bookings_tick()
    assert result["closed"] == 1
    assert BookingRequest.objects.get().status == BookingRequest.Status.UNANSWERED
    assert "暂时没有企业接单" in sms[-1][1]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"preferred_date": "2025-11-19"}, "不能早于今天"),
        ({"preferred_date": "2026-03-01"}, "60天以内"),
        ({"category": ""}, "请选择需要的服务项目"),
        ({"contact_name": ""}, "称呼"),
        ({"township": "9999"}, "乡镇"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_keeps_the_code(booked, extra, message):
    page = booked(**extra).content.decode()
    assert message in page and not BookingRequest.objects.exists()
    assert VerificationCode.objects.filter(used_at__isnull=True).count() == 1


def test_a_wrong_code_books_nothing(client, sms, django_capture_on_commit_callbacks, enterprises):
    send(client, sms, django_capture_on_commit_callbacks)
    page = book(client, "000000").content.decode()
    assert "验证码" in page and not BookingRequest.objects.exists()


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_stored(booked):
    page = booked(website="http://spam.example").content.decode()
    assert "已收到" in page and not BookingRequest.objects.exists()


def test_a_mobile_has_at_most_three_requests_waiting(booked):
    for _ in range(3):
        booked()
    page = booked().content.decode()
    assert "已有3个等待接单的预约" in page and BookingRequest.objects.count() == 3


def test_codes_are_limited_per_address_and_do_not_tell_who_is_registered(
    client, sms, django_capture_on_commit_callbacks, enterprises
):
    ResidentFactory(mobile="13909418888")
    registered, _ = send(client, sms, django_capture_on_commit_callbacks, "13909418888")
    stranger, _ = send(client, sms, django_capture_on_commit_callbacks, "13909417777")
    assert "第二步：填写预约" in registered.content.decode()
    assert "第二步：填写预约" in stranger.content.decode()
    for n in range(8):
        send(client, sms, django_capture_on_commit_callbacks, f"1390941{n:04d}")
    refused = client.post(NEW, {"action": "send", "mobile": "13909416666"})
    assert "次数过多" in refused.content.decode() and len(sms) == 10


def test_my_bookings_show_the_enterprise_and_let_the_resident_cancel_a_waiting_one(
    client, booked, enterprises, clock
):
    booked()
    booked()
    first, second = BookingRequest.objects.order_by("pk")
    booking_accept(
        actor=None,
        enterprise=enterprises["aaa"],
        offer=first.offers.get(enterprise=enterprises["aaa"]),
    )
    page = client.get(MINE).content.decode()
    assert first.number in page and second.number in page
    assert "甲级家政" in page and "13909410001" in page
    response = client.post(reverse("bookings:cancel", args=[second.pk]), follow=True)
    assert "已取消" in response.content.decode()
    second.refresh_from_db()
    assert second.status == BookingRequest.Status.CANCELLED
    with pytest.raises(Exception, match="不能取消"):
        booking_cancel(booking=first, mobile_hash=first.mobile_hash)


def test_someone_else_cannot_see_or_cancel_a_booking(client, booked):
    booked()
    booking = BookingRequest.objects.get()
    other = client.__class__()
    assert "第一步" in other.get(MINE).content.decode()
    response = other.post(reverse("bookings:cancel", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingRequest.Status.OPEN


def test_an_accepted_booking_proves_the_service_for_a_review(booked, enterprises):
    booked()
    booking = BookingRequest.objects.get()
    claim = ServiceClaim(
        mobile=MOBILE,
        service_date=booking.preferred_date,
        enterprise_id=enterprises["aaa"].pk,
    )
    assert service_proof(claim) is None or service_proof(claim).kind != "booking"
    booking_accept(
        actor=None,
        enterprise=enterprises["aaa"],
        offer=booking.offers.get(enterprise=enterprises["aaa"]),
    )
    proof = service_proof(claim)
    assert proof.kind == "booking" and booking.number in proof.reference


def test_the_figures_show_whether_priority_was_kept_and_consultations_given(
    booked, enterprises, clock
):
    ResidentFactory(mobile=MOBILE)
    booked()  # priority
    booked(mobile="13909414040")  # ordinary
    booked(kind="consultation", category="")
    priority, ordinary, consultation = BookingRequest.objects.order_by("pk")
    clock.shift(HOUR)
    booking_accept(
        actor=None,
        enterprise=enterprises["aaa"],
        offer=priority.offers.get(enterprise=enterprises["aaa"]),
    )
    booking_accept(
        actor=None,
        enterprise=enterprises["aaa"],
        offer=consultation.offers.get(enterprise=enterprises["aaa"]),
    )
    clock.shift(4 * HOUR)
    booking_accept(
        actor=None,
        enterprise=enterprises["aaa"],
        offer=ordinary.offers.get(enterprise=enterprises["aaa"]),
    )
    figures = booking_figures(2025)

    def waited(*bookings):
        rows = BookingRequest.objects.filter(pk__in=[b.pk for b in bookings])
        return sorted((b.accepted_at - b.created_at).total_seconds() / 60 for b in rows)

    assert figures.priority.requests == 2 and figures.priority.accepted == 2
    assert figures.priority.median_minutes == sum(waited(priority, consultation)) / 2
    assert figures.other.median_minutes == waited(ordinary)[0] > 4 * 60
    assert figures.other.within_target == 1 and figures.priority.within_target == 2
    assert figures.priority_kept is True
    [row] = figures.consultations
    assert (row.given, row.residents, row.residents_at_limit) == (1, 1, 1)


def test_the_catalogue_leads_to_the_booking_page_and_the_consultation_is_preselected(
    client, catalogue
):
    text = client.get(reverse("incentives:catalogue")).content.decode()
    assert 'href="/bookings/new/"' in text and 'href="/bookings/new/?kind=consultation"' in text
    page = client.get(NEW + "?kind=consultation").content.decode()
    assert 'name="kind" value="consultation"' in page
