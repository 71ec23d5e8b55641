"""The enterprise portal's credit pages: the enterprise's ratings by year with every
indicator explained, its credit records, objections (信用异议) during the publicity period
and credit-repair requests (信用修复), with their status.

Every view is a `portal_view` and fetches objects through `portal_scope`/`portal_object`,
so another enterprise's rating, record, objection or request answers 404. Draft ratings are
not shown: staff have not reviewed them yet.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.form_errors import add_service_errors
from core.portal import portal_object, portal_scope, portal_view

from . import selectors
from .models import CreditEvent, Dimension, Objection, RepairRequest
from .portal_forms import ObjectionForm, RepairForm
from .services.objections import objection_submit, objection_window_open
from .services.repair import is_negative, repair_submit

# Pages of one object look the object up before they check the method, so another
# enterprise's id answers 404 whatever the method.
ANY_METHOD = ["GET", "HEAD", "POST"]


def read_only(request) -> HttpResponseNotAllowed | None:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


OBJECTION_OWNER = "rating__enterprise"
REPAIR_OWNER = "event__enterprise"


def _objections(request):
    return portal_scope(request, Objection.objects.select_related("rating"), OBJECTION_OWNER)


def _repairs(request):
    return portal_scope(request, RepairRequest.objects.select_related("event"), REPAIR_OWNER)


@never_cache
@require_safe
@portal_view
def rating_list(request):
    today = timezone.localdate()
    ratings = portal_scope(request, selectors.visible_ratings()).order_by("-year")
    rows = [
        {
            "rating": rating,
            "dimensions": [(label, getattr(rating, key)) for key, label in Dimension.choices],
            "can_object": objection_window_open(rating, today),
        }
        for rating in ratings
    ]
    return render(request, "credit/portal/ratings.html", {"rows": rows})


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def rating_detail(request, pk: int):
    rating = portal_object(request, selectors.visible_ratings(), pk)
    if refused := read_only(request):
        return refused
    return render(
        request,
        "credit/portal/rating.html",
        {
            "rating": rating,
            "explanation": selectors.rating_explanation(rating),
            "can_object": objection_window_open(rating, timezone.localdate()),
            "objections": list(rating.objections.order_by("-submitted_at")),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@portal_view
def objection_new(request, pk: int):
    rating = portal_object(request, selectors.visible_ratings(), pk)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = objection_submit(
                actor=request.user,
                rating=rating,
                reasons=form.cleaned_data["reasons"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"异议已提交，县商务局将于{objection.due_on:%Y年%m月%d日}前作出处理。",
            )
            return redirect("portal:credit_objection", pk=objection.pk)
    return render(
        request,
        "credit/portal/objection_form.html",
        {
            "rating": rating,
            "form": form,
            "can_object": objection_window_open(rating, timezone.localdate()),
            "decision_days": settings.CREDIT_OBJECTION_DECISION_DAYS,
        },
    )


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def objection_detail(request, pk: int):
    objection = portal_object(
        request, Objection.objects.select_related("rating"), pk, via=OBJECTION_OWNER
    )
    if refused := read_only(request):
        return refused
    return render(request, "credit/portal/objection.html", {"objection": objection})


@never_cache
@require_safe
@portal_view
def record_list(request):
    credit_file = selectors.credit_file_for(request.enterprise)
    open_repairs = set(
        _repairs(request)
        .filter(status=RepairRequest.Status.SUBMITTED)
        .values_list("event_id", flat=True)
    )
    active, others = [], []
    for row in credit_file.rows:
        event = row.event
        entry = {
            "row": row,
            "negative": is_negative(event),
            "repair_open": event.pk in open_repairs,
            "can_repair": is_negative(event)
            and event.status == CreditEvent.Status.ACTIVE
            and event.pk not in open_repairs,
        }
        (active if event.status == CreditEvent.Status.ACTIVE else others).append(entry)
    return render(
        request,
        "credit/portal/records.html",
        {
            "active": active,
            "others": others,
            "truncated": credit_file.truncated,
            "limit": selectors.DOSSIER_EVENTS,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@portal_view
def repair_new(request, pk: int):
    event = portal_object(request, CreditEvent.objects.all(), pk)
    form = RepairForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            repair = repair_submit(
                actor=request.user,
                event=event,
                reasons=form.cleaned_data["reasons"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"修复申请已提交，县商务局将于{repair.due_on:%Y年%m月%d日}前作出审核决定。",
            )
            return redirect("portal:credit_repair", pk=repair.pk)
    return render(
        request,
        "credit/portal/repair_form.html",
        {
            "event": event,
            "form": form,
            "negative": is_negative(event),
            "active": event.status == CreditEvent.Status.ACTIVE,
            "decision_days": settings.CREDIT_REPAIR_DECISION_DAYS,
        },
    )


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def repair_detail(request, pk: int):
    repair = portal_object(
        request, RepairRequest.objects.select_related("event"), pk, via=REPAIR_OWNER
    )
    if refused := read_only(request):
        return refused
    return render(request, "credit/portal/repair.html", {"repair": repair})


@never_cache
@require_safe
@portal_view
def request_list(request):
    return render(
        request,
        "credit/portal/requests.html",
        {
            "objections": list(_objections(request).order_by("-submitted_at")),
            "repairs": list(_repairs(request).order_by("-submitted_at")),
        },
    )
