"""The enterprise portal's booking pages (预约派单): the requests offered to the enterprise,
priority and waiting ones first; accept or decline one; the townships it takes bookings
from. Offers are read through `portal_scope`/`portal_object`, so another enterprise's offer
answers 404, and an offer not yet reached by the enterprise's tier is not shown. The
resident's name and mobile are shown only to the enterprise that accepted."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core import personal_data
from core.portal import portal_object, portal_scope, portal_view
from registry.models import Township

from . import selectors_bookings as selectors
from .models import BenefitKind, Participation
from .services.bookings import booking_accept, booking_decline
from .services.participation import participation_townships_set

ANY_METHOD = ["GET", "HEAD", "POST"]
OFFERS_SHOWN = 100
BOOKING_BENEFITS = [BenefitKind.PRIORITY_BOOKING, BenefitKind.FREE_CONSULTATION]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="不能接单的原因",
        max_length=200,
        help_text="如时间排不开、该乡镇人手不足。居民看不到原因，工作人员统计时使用。",
    )


class AreaForm(forms.Form):
    townships = forms.ModelMultipleChoiceField(
        label="接单乡镇",
        queryset=Township.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选表示接受全县各乡镇的预约。",
    )


def _offers(request):
    return portal_scope(
        request,
        selectors.enterprise_offers(request.enterprise),
    )


def _booking_participations(request):
    return portal_scope(
        request,
        Participation.objects.filter(
            status=Participation.Status.ACTIVE, measure__benefit_kind__in=BOOKING_BENEFITS
        ).select_related("measure"),
    )


@never_cache
@require_safe
@portal_view
def booking_list(request):
    offers = list(_offers(request)[:OFFERS_SHOWN])
    participations = list(_booking_participations(request).prefetch_related("townships"))
    return render(
        request,
        "incentives/portal/bookings.html",
        {
            "offers": offers,
            "waiting": selectors.waiting_offers_count(request.enterprise),
            "participations": participations,
            "section": "bookings",
        },
    )


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def booking_detail(request, pk: int):
    """GET shows the request; POST accepts it."""
    offer = portal_object(request, _offers(request), pk)
    if request.method == "POST":
        try:
            booking_accept(actor=request.user, enterprise=request.enterprise, offer=offer)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "已接单，请尽快打电话与居民联系确认服务时间。")
        return redirect("portal:incentives_booking", pk=offer.pk)
    booking = offer.booking
    mine = booking.enterprise_id == request.enterprise.pk
    return render(
        request,
        "incentives/portal/booking.html",
        {
            "offer": offer,
            "booking": booking,
            "mine": mine,
            "mobile": personal_data.decrypt(booking.mobile_encrypted) if mine else "",
            "decline_form": DeclineForm(),
            "section": "bookings",
        },
    )


@require_http_methods(ANY_METHOD)
@portal_view
def booking_decline_view(request, pk: int):
    """POST declines; the form itself is on the request's page."""
    offer = portal_object(request, _offers(request), pk)
    if request.method != "POST":
        return redirect("portal:incentives_booking", pk=offer.pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请说明不能接单的原因。")
        return redirect("portal:incentives_booking", pk=offer.pk)
    try:
        booking_decline(
            actor=request.user,
            enterprise=request.enterprise,
            offer=offer,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "已谢绝，预约会推送给其他企业。")
    return redirect("portal:incentives_bookings")


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def booking_area(request, pk: int):
    """The townships one booking participation takes requests from."""
    participation = portal_object(request, _booking_participations(request), pk)
    form = AreaForm(
        request.POST or None, initial={"townships": list(participation.townships.all())}
    )
    if request.method == "POST" and form.is_valid():
        participation_townships_set(
            actor=request.user,
            participation=participation,
            townships=form.cleaned_data["townships"],
        )
        messages.success(request, f"“{participation.measure.title}”的接单乡镇已保存。")
        return redirect("portal:incentives_bookings")
    return render(
        request,
        "incentives/portal/booking_area.html",
        {"participation": participation, "form": form, "section": "bookings"},
    )
