"""The public agreement pages: /agreements/verify/ checks an agreement by its number and the
customer's mobile, then shows it; an agreement still awaiting confirmation is confirmed there
with an SMS code.

A wrong mobile gets the same answer as an unknown number, and failed look-ups are limited per
address (counted in the database while the cache is down: the pair could be guessed). Once a
pair matched, the session remembers that agreement for VERIFIED_MINUTES; sending and checking
codes are limited per address too.
"""

import time

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.personal_data import mask_person_name
from registry.ratelimits import RateLimit, WhenCacheDown, limit_hit, limit_refund
from registry.services.codes import code_delivery_failed

from . import selectors, services
from .clauses_default import LAW
from .forms import ConfirmCodeForm, VerifyForm
from .models import ServiceAgreement

SESSION_KEY = "agreements_verified"
VERIFIED_MINUTES = 15
NOT_FOUND = "没有找到与该手机号码对应的服务约定，请核对约定编号和手机号码。"
LOOKUP_FAILURES = RateLimit(
    group="agreements:verify", rate="TRACKING_RATE_PER_IP", when_cache_down=WhenCacheDown.DATABASE
)
SEND_LIMIT = RateLimit(
    group="agreements:code-send", rate="10/h", when_cache_down=WhenCacheDown.DATABASE
)
CONFIRM_LIMIT = RateLimit(
    group="agreements:code-check", rate="30/h", when_cache_down=WhenCacheDown.DATABASE
)
LOOKUP_LIMITED = "查询失败次数过多，请一小时后再试。"
CODE_NOT_SENT = "短信暂时没有发出去，请过一两分钟再点“重新获取验证码”。"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    if request.method != "POST":
        number = request.GET.get("number", "")[:30]
        form = VerifyForm(initial={"number": number} if number else None)
        return render(request, "agreements/verify.html", {"form": form, "law": LAW})
    form = VerifyForm(request.POST)
    # Counted before the look-up, given back when it matched: a customer checking often is
    # not abuse, guessing is.
    if limit_hit(request, LOOKUP_FAILURES):
        limit_refund(request, LOOKUP_FAILURES)
        form.add_error(None, LOOKUP_LIMITED)
        return render(request, "agreements/verify.html", {"form": form, "law": LAW}, status=429)
    if form.is_valid():
        agreement = selectors.agreement_by_number_and_mobile(
            form.cleaned_data["number"], form.cleaned_data["mobile"]
        )
        if agreement is not None:
            limit_refund(request, LOOKUP_FAILURES)
            request.session.cycle_key()
            request.session[SESSION_KEY] = {
                "pk": agreement.pk,
                "until": time.time() + VERIFIED_MINUTES * 60,
            }
            return redirect("agreements:agreement")
        form.add_error(None, NOT_FOUND)
    return render(request, "agreements/verify.html", {"form": form, "law": LAW})


def _verified(request) -> ServiceAgreement | None:
    state = request.session.get(SESSION_KEY)
    if not state or state.get("until", 0) < time.time():
        request.session.pop(SESSION_KEY, None)
        return None
    return selectors.agreement_with_items(state.get("pk"))


def _send(request, agreement) -> tuple[str, str]:
    """(message, error) of a request for a new code."""
    if limit_hit(request, SEND_LIMIT):
        return "", "获取验证码的次数过多，请1小时后再试。"
    try:
        record = services.agreement_send_code(agreement=agreement)
    except ValidationError as error:
        return "", error.messages[0]
    if code_delivery_failed(record):
        return "", CODE_NOT_SENT
    return f"验证码已发送到{agreement.customer_mobile_masked}，10分钟内有效。", ""


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def agreement_page(request):
    agreement = _verified(request)
    if agreement is None:
        return redirect("agreements:verify")
    code_form, message, error = ConfirmCodeForm(), "", ""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "send":
        message, error = _send(request, agreement)
    elif action == "confirm":
        code_form = ConfirmCodeForm(request.POST)
        if limit_hit(request, CONFIRM_LIMIT):
            code_form.add_error(None, "尝试次数过多，请1小时后再试。")
        elif code_form.is_valid():
            try:
                services.agreement_confirm_by_code(
                    agreement=agreement, code=code_form.cleaned_data["code"]
                )
            except ValidationError as error:
                code_form.add_error("code", error.messages[0])
            else:
                return redirect("agreements:agreement")
    return render(
        request,
        "agreements/agreement.html",
        {
            "agreement": agreement,
            "worker_name": mask_person_name(agreement.worker.name) if agreement.worker else "",
            "customer_name": mask_person_name(agreement.customer_name),
            "can_confirm": services.AGREEMENT_MACHINE.can(
                agreement, ServiceAgreement.Status.CONFIRMED
            ),
            "code_form": code_form,
            "message": message,
            "error": error,
            "law": LAW,
        },
    )


@require_http_methods(["POST"])
def verify_end(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("agreements:verify")
