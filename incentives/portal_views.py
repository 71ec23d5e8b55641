"""The enterprise portal's incentive pages: the measures the enterprise may take part in
(opt in and out), redemptions recorded with the resident's SMS code and their export, and
support, award and training applications.

Every view is a `portal_view` and reads the enterprise's participations, redemptions and
applications through `portal_scope`/`portal_object`, so another enterprise's ids answer
404. Who qualifies is decided by the services (`incentives.services`), never here.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import personal_data
from core.portal import portal_object, portal_scope, portal_view
from registry.services.codes import code_delivery_failed

from .models import (
    Audience,
    IncentiveMeasure,
    Participation,
    ProgrammeKind,
    Redemption,
    SupportApplication,
    SupportProgramme,
)
from .portal_forms import (
    ApplicationForm,
    RedemptionCodeForm,
    RedemptionOrderForm,
    order_from_session,
)
from .resources import redemptions_export
from .services import (
    application_submit,
    application_transition,
    eligibility,
    participation_opt_in,
    participation_problems,
    participation_withdraw,
    redemption_code_send,
    redemption_record,
)
from .services.support import application_can_withdraw
from .standing import enterprise_standing, programme_min_grade

# Pages of one object look the object up before they check the method, so another
# enterprise's id answers 404 whatever the method.
ANY_METHOD = ["GET", "HEAD", "POST"]
ORDER_SESSION_KEY = "portal_redemption_order"
REDEMPTIONS_SHOWN = 100


def _redemptions(request):
    return portal_scope(
        request,
        Redemption.objects.select_related("resident", "worker", "category").prefetch_related(
            "items__measure"
        ),
    )


def _applications(request):
    return portal_scope(request, SupportApplication.objects.select_related("programme"))


# --- Measures and participation ----------------------------------------------------------


@never_cache
@require_safe
@portal_view
def measure_list(request):
    enterprise = request.enterprise
    today = timezone.localdate()
    standing = enterprise_standing(enterprise, today)
    participations = {p.measure_id: p for p in portal_scope(request, Participation.objects.all())}
    resident_measures = IncentiveMeasure.objects.in_force(today).filter(audience=Audience.RESIDENT)
    rows = []
    for measure in resident_measures:
        problems = participation_problems(enterprise=enterprise, measure=measure, standing=standing)
        rows.append(
            {
                "measure": measure,
                "participation": participations.get(measure.pk),
                "qualifies": not problems,
                "verdict": problems[0] if problems else standing.verdict(measure.min_grade),
            }
        )
    own = eligibility(subject=enterprise, day=today)
    return render(
        request,
        "incentives/portal/measures.html",
        {"standing": standing, "rows": rows, "own": own.verdicts},
    )


@require_POST
@portal_view
def measure_join(request, pk: int):
    measure = get_object_or_404(IncentiveMeasure, pk=pk)
    try:
        participation_opt_in(actor=request.user, enterprise=request.enterprise, measure=measure)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"不能参与“{measure.title}”：{message}")
    else:
        messages.success(request, f"已参与“{measure.title}”，居民可在本企业使用此项优惠。")
    return redirect("portal:incentives_measures")


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def participation_leave(request, pk: int):
    """GET asks for confirmation; POST withdraws."""
    participation = portal_object(request, Participation.objects.select_related("measure"), pk)
    if request.method != "POST":
        return render(
            request,
            "incentives/portal/confirm.html",
            {
                "title": f"退出“{participation.measure.title}”",
                "text": "退出后，居民不能再在本企业使用此项优惠。以后仍可重新参与。",
                "button": "确认退出",
                "back": "portal:incentives_measures",
            },
        )
    participation_withdraw(actor=request.user, participation=participation, note="企业自行退出")
    messages.success(request, f"已退出“{participation.measure.title}”。")
    return redirect("portal:incentives_measures")


# --- Redemptions ----------------------------------------------------------------------------


@never_cache
@require_safe
@portal_view
def redemption_list(request):
    today = timezone.localdate()
    month_start = today.replace(day=1)
    redemptions = _redemptions(request)
    month = month_summary(request.enterprise, today)
    rows = list(redemptions.order_by("-served_on", "-pk")[: REDEMPTIONS_SHOWN + 1])
    return render(
        request,
        "incentives/portal/redemptions.html",
        {
            "redemptions": rows[:REDEMPTIONS_SHOWN],
            "truncated": len(rows) > REDEMPTIONS_SHOWN,
            "month": month,
            "month_start": month_start,
        },
    )


@never_cache
@require_safe
@portal_view
def redemption_export(request):
    content = redemptions_export(portal_scope(request, Redemption.objects.all()))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    day = timezone.localdate()
    response["Content-Disposition"] = f'attachment; filename="redemptions-{day:%Y%m%d}.xlsx"'
    return response


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def redemption_detail(request, pk: int):
    redemption = portal_object(request, _redemptions(request), pk)
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(request, "incentives/portal/redemption.html", {"redemption": redemption})


@never_cache
@require_http_methods(["GET", "POST"])
@portal_view
def redemption_new(request):
    """Step 1 (`send`): the order and the resident; the resident gets an SMS code. Step 2
    (`confirm`): the code; the redemption is recorded. The order waits in the session."""
    enterprise = request.enterprise
    action = request.POST.get("action", "")
    pending = request.session.get(ORDER_SESSION_KEY)
    order = order_from_session(pending, enterprise) if pending else None
    order_form = RedemptionOrderForm(enterprise=enterprise)
    code_form = None
    if request.method == "GET" and request.GET.get("restart"):
        request.session.pop(ORDER_SESSION_KEY, None)
        order = None
    elif action == "send":
        order_form = RedemptionOrderForm(request.POST, enterprise=enterprise)
        if order_form.is_valid():
            try:
                record = redemption_code_send(
                    enterprise=enterprise,
                    mobile=order_form.cleaned_data["mobile"],
                    id_last4=order_form.cleaned_data["id_last4"],
                )
            except ValidationError as error:
                _form_errors(order_form, error)
            else:
                if code_delivery_failed(record):
                    order_form.add_error(
                        None, "短信暂时没有发出去，请过一两分钟再点“发送验证码”重试。"
                    )
                else:
                    request.session[ORDER_SESSION_KEY] = order_form.session_data()
                    messages.success(
                        request, "验证码已发送到居民手机，请居民在服务完成后告知验证码。"
                    )
                    return redirect("portal:incentives_redemption_new")
        order = None
    elif action == "confirm":
        code_form = RedemptionCodeForm(request.POST)
        if order is None:
            messages.error(request, "核销信息已失效，请重新填写。")
            request.session.pop(ORDER_SESSION_KEY, None)
            return redirect("portal:incentives_redemption_new")
        if code_form.is_valid():
            try:
                redemption = redemption_record(
                    actor=request.user,
                    enterprise=enterprise,
                    code=code_form.cleaned_data["code"],
                    **order,
                )
            except ValidationError as error:
                _form_errors(code_form, error)
            else:
                request.session.pop(ORDER_SESSION_KEY, None)
                messages.success(request, "核销已登记。")
                return redirect("portal:incentives_redemption", pk=redemption.pk)
    elif request.method == "POST":
        return redirect("portal:incentives_redemption_new")
    if order is not None and code_form is None:
        code_form = RedemptionCodeForm()
    return render(
        request,
        "incentives/portal/redemption_new.html",
        {
            "order_form": order_form,
            "code_form": code_form,
            "order": order,
            "order_mobile": personal_data.phone_mask(order["mobile"]) if order else "",
        },
    )


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- Support, awards and training ------------------------------------------------------------


@never_cache
@require_safe
@portal_view
def programme_list(request):
    today = timezone.localdate()
    standing = enterprise_standing(request.enterprise, today)
    applications = list(_applications(request).order_by("-submitted_at"))
    applied = {
        a.programme_id for a in applications if a.status != SupportApplication.Status.WITHDRAWN
    }
    programmes = [
        {
            "programme": programme,
            "applied": programme.pk in applied,
            "verdict": standing.verdict(programme_min_grade(programme)),
            "qualifies": standing.meets(programme_min_grade(programme)),
        }
        for programme in SupportProgramme.objects.filter(
            opens_on__lte=today, closes_on__gte=today
        ).select_related("measure")
    ]
    return render(
        request,
        "incentives/portal/programmes.html",
        {"programmes": programmes, "applications": applications},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@portal_view
def application_new(request, pk: int):
    programme = get_object_or_404(SupportProgramme, pk=pk)
    training = programme.kind == ProgrammeKind.TRAINING
    form = ApplicationForm(
        request.POST or None,
        enterprise=request.enterprise,
        training=training,
        initial={"contact_phone": request.enterprise.phone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = application_submit(
                actor=request.user,
                programme=programme,
                enterprise=request.enterprise,
                statement=form.cleaned_data["statement"],
                contact_person=form.cleaned_data["contact_person"],
                contact_phone=form.cleaned_data["contact_phone"],
                trainees=list(form.cleaned_data.get("trainees") or []),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "申报已提交，县商务局将按信用等级排序择优确定。")
            return redirect("portal:incentives_application", pk=application.pk)
    standing = enterprise_standing(request.enterprise, timezone.localdate())
    min_grade = programme_min_grade(programme)
    return render(
        request,
        "incentives/portal/application_form.html",
        {
            "programme": programme,
            "form": form,
            "open": programme.open_on(timezone.localdate()),
            "verdict": standing.verdict(min_grade),
            "qualifies": standing.meets(min_grade),
        },
    )


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def application_detail(request, pk: int):
    application = portal_object(request, SupportApplication.objects.select_related("programme"), pk)
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(
        request,
        "incentives/portal/application.html",
        {
            "application": application,
            "trainees": list(application.trainees.order_by("name")),
            "can_withdraw": application_can_withdraw(application),
        },
    )


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def application_withdraw(request, pk: int):
    """GET asks for confirmation; POST withdraws."""
    application = portal_object(request, SupportApplication.objects.select_related("programme"), pk)
    if request.method != "POST":
        return render(
            request,
            "incentives/portal/confirm.html",
            {
                "title": f"撤回“{application.programme}”的申报",
                "text": "撤回后，本申报不再参加评审；申报期内可以重新申报。",
                "button": "确认撤回",
                "back": "portal:incentives_programmes",
            },
        )
    try:
        application_transition(
            actor=request.user,
            application=application,
            to=SupportApplication.Status.WITHDRAWN,
            note="企业撤回",
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "申报已撤回。")
    return redirect("portal:incentives_application", pk=application.pk)


def month_summary(enterprise, today) -> dict:
    """Redemptions this month (for the home card)."""
    return (
        Redemption.objects.counting()
        .filter(enterprise=enterprise, served_on__gte=today.replace(day=1))
        .aggregate(
            count=Count("pk"),
            residents=Count("resident", distinct=True),
            discount=Coalesce(Sum("discount_amount"), Value(0), output_field=DecimalField()),
        )
    )
