"""Public incentive pages: the catalogue (守信激励) and a resident's own check.

No account: a resident proves they hold the mobile number with an SMS code and then sees,
for every resident registered with that number, what they would get — or, for a number
nobody registered, how to register. A code goes to every valid number, so the first step
answers the same whoever asks and tells nobody whether a number is registered. The answer
is kept in the session for CHECK_SESSION_MINUTES. Sending codes is limited per IP address
here and per mobile number in the service; both address limits are counted in the
database while the cache is down (each code costs an SMS, and codes can be guessed).
"""

import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from core import personal_data
from core.validators import clean_mobile
from registry.models import Enterprise
from registry.ratelimits import RateLimit, WhenCacheDown, limit_hit
from registry.services.codes import code_check, code_consume, code_delivery_failed, code_send

from . import selectors
from .code_purposes import CHECK
from .forms import CatalogueFilterForm, CodeForm, MobileForm
from .services import eligibility

CHECK_SESSION_KEY = "incentives_check"
CHECK_SESSION_MINUTES = 15
SEND_LIMIT = RateLimit(
    group="incentives:check-send", rate="10/h", when_cache_down=WhenCacheDown.DATABASE
)
VERIFY_LIMIT = RateLimit(
    group="incentives:check-verify", rate="30/h", when_cache_down=WhenCacheDown.DATABASE
)
CODE_SENT = "验证码已发送到{masked}，10分钟内有效，请注意查收短信。"
CODE_NOT_SENT = "短信暂时没有发出去，请过一两分钟再点“获取短信验证码”重试。"


@require_safe
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    township = form.cleaned_data["township"] if form.is_valid() else None
    return render(
        request,
        "incentives/catalogue.html",
        {
            "form": form,
            "township": township,
            "page": selectors.catalogue(township_id=township.pk if township else None),
        },
    )


def _masked(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}"


@require_http_methods(["GET", "POST"])
def check(request):
    """Step 1: the mobile number; step 2: the code."""
    mobile_form, code_form, message = MobileForm(), None, ""
    action = request.POST.get("action")
    if request.method == "POST" and action == "send":
        mobile_form = MobileForm(request.POST)
        if limit_hit(request, SEND_LIMIT):
            mobile_form.add_error(None, "获取验证码的次数过多，请1小时后再试。")
        elif mobile_form.is_valid():
            try:
                mobile = clean_mobile(mobile_form.cleaned_data["mobile"])
                record = code_send(
                    purpose=CHECK,
                    mobile=mobile,
                    message="您正在查询可享受的守信激励优惠，验证码{code}，"
                    "{minutes}分钟内有效。请勿告诉他人。",
                )
            except ValidationError as error:
                mobile_form.add_error("mobile", error.messages[0])
            else:
                if code_delivery_failed(record):
                    message = CODE_NOT_SENT
                else:
                    code_form = CodeForm(initial={"mobile": mobile})
                    message = CODE_SENT.format(masked=_masked(mobile))
    elif request.method == "POST" and action == "verify":
        code_form = CodeForm(request.POST)
        if limit_hit(request, VERIFY_LIMIT):
            code_form.add_error(None, "尝试次数过多，请1小时后再试。")
        elif code_form.is_valid():
            try:
                mobile = clean_mobile(code_form.cleaned_data["mobile"])
                checked = code_check(
                    purpose=CHECK,
                    mobile=mobile,
                    code=code_form.cleaned_data["code"],
                )
                with transaction.atomic():
                    code_consume(checked)
            except ValidationError as error:
                code_form.add_error("code", error.messages[0])
            else:
                request.session.cycle_key()
                # The session keeps the number's hash, never the number.
                request.session[CHECK_SESSION_KEY] = {
                    "mobile_hash": personal_data.phone_hash(mobile),
                    "until": time.time() + CHECK_SESSION_MINUTES * 60,
                }
                return redirect("incentives:check_result")
    return render(
        request,
        "incentives/check.html",
        {"mobile_form": mobile_form, "code_form": code_form, "message": message},
    )


@require_safe
def check_result(request):
    state = request.session.get(CHECK_SESSION_KEY)
    if not state or state.get("until", 0) < time.time():
        request.session.pop(CHECK_SESSION_KEY, None)
        return redirect("incentives:check")
    page = selectors.catalogue()
    enterprise = None
    chosen = request.GET.get("enterprise", "")
    if chosen.isdecimal():
        allowed = {p.enterprise.pk for p in page.enterprises}
        if int(chosen) in allowed:
            enterprise = Enterprise.objects.get(pk=int(chosen))
    results = [
        eligibility(subject=resident, enterprise=enterprise)
        for resident in selectors.residents_with_mobile_hash(state.get("mobile_hash", ""))
    ]
    return render(
        request,
        "incentives/check_result.html",
        {
            "results": results,
            "enterprise": enterprise,
            "participants": page.enterprises,
            # Shown only to the number's owner (after the code): how to register.
            "special_groups": [] if results else selectors.special_groups(),
        },
    )


@require_http_methods(["POST"])
def check_end(request):
    request.session.pop(CHECK_SESSION_KEY, None)
    return redirect("incentives:catalogue")
