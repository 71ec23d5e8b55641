"""Residents' booking pages at /bookings/: ask for a service or a free consultation, and
follow one's requests.

Asking takes two steps on one page, as the online registration does: the mobile (a code
goes to any valid number, so the answer tells nobody whether it is registered), then the
code with the request. Whether the request is priority, and whether a free consultation
may be given, is told only after the code proved the mobile (`booking_submit`). A bot
filling the hidden honeypot field gets the same acknowledgement and nothing is stored;
sending codes is limited per address and per mobile, and a mobile has at most three
requests waiting. A proven mobile opens the resident session (the benefit check's), which
the "我的预约" page reads.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.form_errors import add_service_errors
from registry.code_forms import MobileForm

from . import selectors_bookings as selectors
from .booking_forms import BookingForm
from .code_purposes import BOOKING, BOOKINGS_MINE
from .code_steps import (
    check_step,
    code_step,
    mobile_steps,
    resident_session,
    resident_session_end,
    resident_session_start,
    send_step,
)
from .models import BookingKind, BookingRequest
from .services.bookings import booking_cancel, booking_submit

BOOKING_STEP = code_step(
    BOOKING, _("您正在提交家政服务预约，验证码{code}，{minutes}分钟内有效。请勿告诉他人。")
)
MINE_STEP = code_step(
    BOOKINGS_MINE, _("您正在查询家政服务预约，验证码{code}，{minutes}分钟内有效。请勿告诉他人。")
)
DONE_SESSION_KEY = "bookings_done"


def _kind(value) -> str:
    return value if value in BookingKind.values else BookingKind.SERVICE


@never_cache
@require_http_methods(["GET", "POST"])
def new(request):
    kind = _kind(request.POST.get("kind") or request.GET.get("kind"))
    mobile_form, form, message = MobileForm(), None, ""
    action = request.POST.get("action")
    if request.method == "POST" and action == "send":
        mobile_form = MobileForm(request.POST)
        sent = send_step(request, BOOKING_STEP, mobile_form)
        if sent is not None:
            message = sent.notice
            if sent.delivered:
                form = BookingForm(initial={"mobile": sent.mobile, "kind": kind})
    elif request.method == "POST" and action == "book":
        form = BookingForm(request.POST)
        if form.is_spam:
            request.session[DONE_SESSION_KEY] = {"number": ""}
            return redirect("bookings:done")
        checked = check_step(request, BOOKING_STEP, form)
        if checked is not None:
            data = form.cleaned_data
            try:
                result = booking_submit(
                    code=checked,
                    mobile=data["mobile"],
                    kind=data["kind"],
                    category=data["category"],
                    township=data["township"],
                    preferred_date=data["preferred_date"],
                    preferred_part=data["preferred_part"],
                    contact_name=data["contact_name"],
                    note=data["note"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                resident_session_start(request, data["mobile"])
                request.session[DONE_SESSION_KEY] = {"number": result.booking.number}
                return redirect("bookings:done")
    return render(
        request,
        "incentives/bookings/new.html",
        {
            "mobile_form": mobile_form,
            "form": form,
            "message": message,
            "kind": kind,
            "priority_hours": settings.BOOKING_PRIORITY_RESPONSE_HOURS,
        },
    )


@never_cache
@require_safe
def done(request):
    done = request.session.pop(DONE_SESSION_KEY, None) or {"number": ""}
    mobile_hash = resident_session(request)
    booking = None
    if done["number"] and mobile_hash:
        booking = selectors.booking_of(mobile_hash, done["number"])
    return render(request, "incentives/bookings/done.html", {"booking": booking})


@never_cache
@require_http_methods(["GET", "POST"])
def mine(request):
    """The requests of the proven mobile; step 1 and 2 of the code when there is none."""
    mobile_hash = resident_session(request)
    if mobile_hash is None:
        steps = mobile_steps(request, MINE_STEP)
        if not steps.proven:
            return render(request, "incentives/bookings/mine_sign_in.html", steps.context())
        resident_session_start(request, steps.proven)
        return redirect("bookings:mine")
    return render(
        request,
        "incentives/bookings/mine.html",
        {"bookings": selectors.bookings_of(mobile_hash)},
    )


@require_POST
def cancel(request, pk: int):
    mobile_hash = resident_session(request)
    if mobile_hash is None:
        return redirect("bookings:mine")
    booking = get_object_or_404(BookingRequest, pk=pk, mobile_hash=mobile_hash)
    try:
        booking_cancel(booking=booking, mobile_hash=mobile_hash)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("预约{number}已取消。").format(number=booking.number))
    return redirect("bookings:mine")


@require_POST
def sign_out(request):
    resident_session_end(request)
    return redirect("bookings:mine")
