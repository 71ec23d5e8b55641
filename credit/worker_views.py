"""The worker's own record (/workers/): signed in with their mobile and an SMS code
(credit.worker_auth), a worker sees their dossier summary, documents and their expiry,
trainings and skills, card, ratings explained indicator by indicator, credit records within
their disclosure period, and their objections and repair requests; they lodge an objection
during publicity, ask for the repair of a negative record, and choose whether the honour
roll and posters show their full name and photo.

Every object is fetched through the signed-in worker, so another worker's rating or record
answers 404 whatever the method. No page is cached.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import personal_data
from core.form_errors import add_service_errors
from core.validators import clean_mobile
from registry.code_forms import CodeForm, MobileForm
from registry.ratelimits import limit_hit
from registry.services.consents import public_name_consent_give, public_name_consent_withdraw

from . import selectors, selectors_worker, worker_auth
from .models import CreditEvent
from .services.objections import objection_submit, objection_window_open
from .services.repair import is_negative, repair_submit
from .worker_auth import worker_view
from .worker_forms import ConsentForm, WorkerObjectionForm, WorkerRepairForm

# A page of one object looks it up before it checks the method, so another worker's id
# answers 404 whatever the method.
ANY_METHOD = ["GET", "HEAD", "POST"]


def _step_one(request):
    form = MobileForm(request.POST)
    if problem := worker_auth.send_problem(request):
        form.add_error(None, problem)
        return form, None, ""
    if not form.is_valid():
        return form, None, ""
    try:
        mobile = clean_mobile(form.cleaned_data["mobile"])
    except ValidationError as error:
        form.add_error("mobile", error.messages[0])
        return form, None, ""
    worker_auth.sign_in_code_send(mobile)
    message = worker_auth.CODE_SENT.format(masked=personal_data.phone_mask(mobile))
    return form, CodeForm(initial={"mobile": mobile}), message


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Step 1: the mobile number; step 2: the code."""
    mobile_form, code_form, message = MobileForm(), None, ""
    action = request.POST.get("action")
    if request.method == "POST" and action == "send":
        mobile_form, code_form, message = _step_one(request)
    elif request.method == "POST" and action == "verify":
        code_form = CodeForm(request.POST)
        if limit_hit(request, worker_auth.VERIFY_LIMIT):
            code_form.add_error(None, "尝试次数过多，请1小时后再试。")
        elif code_form.is_valid():
            try:
                worker = worker_auth.sign_in_code_check(
                    clean_mobile(code_form.cleaned_data["mobile"]),
                    code_form.cleaned_data["code"],
                )
            except ValidationError as error:
                code_form.add_error("code", error.messages[0])
            else:
                worker_auth.sign_in(request, worker)
                return redirect("workers:record")
    return render(
        request,
        "credit/worker/sign_in.html",
        {"mobile_form": mobile_form, "code_form": code_form, "message": message},
    )


@require_POST
def sign_out(request):
    worker_auth.sign_out(request)
    messages.info(request, gettext("您已退出本人信用档案。"))
    return redirect("workers:sign_in")


@never_cache
@worker_view
@require_safe
def record(request):
    today = timezone.localdate()
    data = selectors_worker.worker_record(request.worker)
    open_repairs = {r.event_id for r in data.repairs if r.status == r.Status.SUBMITTED}
    events = [
        {
            "row": row,
            "can_repair": is_negative(row.event)
            and row.event.status == CreditEvent.Status.ACTIVE
            and row.event.pk not in open_repairs,
            "repair_open": row.event.pk in open_repairs,
        }
        for row in data.events
    ]
    ratings = [(r, objection_window_open(r, today)) for r in data.ratings]
    return render(
        request,
        "credit/worker/record.html",
        {
            "data": data,
            "events": events,
            "ratings": ratings,
            "consent_form": ConsentForm(),
        },
    )


@never_cache
@worker_view
@require_http_methods(ANY_METHOD)
def rating_detail(request, pk: int):
    rating = get_object_or_404(selectors.visible_ratings().filter(worker=request.worker), pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(
        request,
        "credit/worker/rating.html",
        {
            "rating": rating,
            "explanation": selectors.rating_explanation(rating),
            "can_object": objection_window_open(rating, timezone.localdate()),
        },
    )


@never_cache
@worker_view
@require_http_methods(["GET", "POST"])
def objection_new(request, pk: int):
    rating = get_object_or_404(selectors_worker.worker_ratings(request.worker), pk=pk)
    form = WorkerObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = objection_submit(
                actor=None,
                worker=request.worker,
                rating=rating,
                reasons=form.cleaned_data["reasons"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("异议已提交，县商务局将于{due}前作出处理。").format(
                    due=f"{objection.due_on:%Y年%m月%d日}"
                ),
            )
            return redirect("workers:record")
    return render(
        request,
        "credit/worker/objection_form.html",
        {
            "rating": rating,
            "form": form,
            "can_object": objection_window_open(rating, timezone.localdate()),
            "decision_days": settings.CREDIT_OBJECTION_DECISION_DAYS,
        },
    )


@never_cache
@worker_view
@require_http_methods(["GET", "POST"])
def repair_new(request, pk: int):
    event = get_object_or_404(selectors_worker.worker_events(request.worker), pk=pk)
    form = WorkerRepairForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            repair = repair_submit(
                actor=None,
                worker=request.worker,
                event=event,
                reasons=form.cleaned_data["reasons"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("修复申请已提交，县商务局将于{due}前作出审核决定。").format(
                    due=f"{repair.due_on:%Y年%m月%d日}"
                ),
            )
            return redirect("workers:record")
    return render(
        request,
        "credit/worker/repair_form.html",
        {
            "event": event,
            "form": form,
            "negative": is_negative(event),
            "active": event.status == CreditEvent.Status.ACTIVE,
            "decision_days": settings.CREDIT_REPAIR_DECISION_DAYS,
        },
    )


@worker_view
@require_POST
def consent(request):
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请选择是否同意公开全名和照片。"))
    elif form.cleaned_data["decision"] == ConsentForm.GIVE:
        public_name_consent_give(worker=request.worker)
        messages.success(
            request, gettext("已记录您的同意：诚信红榜和宣传海报将显示您的全名和照片。")
        )
    else:
        public_name_consent_withdraw(worker=request.worker)
        messages.success(
            request, gettext("已撤回同意：诚信红榜和宣传海报只显示您姓名的首尾字，不显示照片。")
        )
    return redirect("workers:record")
