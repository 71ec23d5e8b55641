"""Residents' own pages at /residents/: registering online and following the registration.

Registering takes two steps on one page: the mobile (an SMS code is sent to any valid
number, so the answer tells nobody whether it is registered), then the code with the
resident's details and, if they apply for a special group, a photo of the certificate.
What is already registered is told only after the code proved the mobile, and an ID number
registered under another mobile gets the neutral answer to come to the counter
(`incentives.services.online`). A bot filling the hidden honeypot field is shown the same
acknowledgement and nothing is stored. The status page shows, after a code, every resident
registered with the mobile, their verification and special-group applications; it opens
the same session as the benefit check, which it links to.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from core.form_errors import add_service_errors

from . import selectors
from .code_purposes import REGISTER, STATUS
from .code_steps import (
    check_step,
    code_step,
    mobile_steps,
    resident_session,
    resident_session_end,
    resident_session_start,
    send_action,
)
from .forms import MobileForm, ResidentRegisterForm
from .services import resident_register_online
from .services.online import Outcome, online_groups

REGISTER_STEP = code_step(
    REGISTER, _("您正在登记守信激励居民信息，验证码{code}，{minutes}分钟内有效。请勿告诉他人。")
)
STATUS_STEP = code_step(
    STATUS, _("您正在查询居民登记进度，验证码{code}，{minutes}分钟内有效。请勿告诉他人。")
)
DONE_SESSION_KEY = "residents_register_done"


@require_http_methods(["GET", "POST"])
def register(request):
    mobile_form, form, message = MobileForm(), None, ""
    action = request.POST.get("action")
    if request.method == "POST" and action == "send":
        steps = send_action(request, REGISTER_STEP, ResidentRegisterForm)
        mobile_form, form, message = steps.mobile_form, steps.code_form, steps.message
    elif request.method == "POST" and action == "register":
        form = ResidentRegisterForm(request.POST, request.FILES)
        if form.is_spam:
            request.session[DONE_SESSION_KEY] = {"outcome": "received"}
            return redirect("residents:register_done")
        checked = check_step(request, REGISTER_STEP, form)
        if checked is not None:
            data = form.cleaned_data
            try:
                result = resident_register_online(
                    code=checked,
                    mobile=data["mobile"],
                    name=data["name"],
                    id_number=data["id_number"],
                    township=data["township"],
                    group=data["group"],
                    proof=data["proof"],
                    proof_number=data["proof_number"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                request.session[DONE_SESSION_KEY] = {
                    "outcome": result.outcome.value,
                    "name": result.resident.name if result.resident else "",
                    "group": result.membership.group.name if result.membership else "",
                }
                return redirect("residents:register_done")
    return render(
        request,
        "incentives/residents/register.html",
        {
            "mobile_form": mobile_form,
            "form": form,
            "message": message,
            "groups": online_groups(),
        },
    )


@require_safe
def register_done(request):
    done = request.session.pop(DONE_SESSION_KEY, None) or {"outcome": "received"}
    return render(
        request,
        "incentives/residents/register_done.html",
        {"done": done, "outcomes": {o.name: o.value for o in Outcome}},
    )


@require_http_methods(["GET", "POST"])
def status(request):
    """Step 1: the mobile number; step 2: the code; then the result page."""
    steps = mobile_steps(request, STATUS_STEP)
    if steps.proven:
        resident_session_start(request, steps.proven)
        return redirect("residents:status_result")
    return render(request, "incentives/residents/status.html", steps.context())


@require_safe
def status_result(request):
    mobile_hash = resident_session(request)
    if mobile_hash is None:
        return redirect("residents:status")
    return render(
        request,
        "incentives/residents/status_result.html",
        {"residents": selectors.resident_registrations(mobile_hash)},
    )


@require_http_methods(["POST"])
def status_end(request):
    resident_session_end(request)
    return redirect("residents:status")
