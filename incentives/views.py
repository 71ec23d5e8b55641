"""Public incentive pages: the catalogue (守信激励) and a resident's own check.

No account: a resident proves they hold the mobile number with an SMS code
(`incentives.code_steps`) and then sees, for every resident registered with that number,
what they would get — or, for a number nobody registered, how to register. The answer is
kept in the session for RESIDENT_SESSION_MINUTES.
"""

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from registry.models import Enterprise

from . import selectors
from .code_purposes import CHECK
from .code_steps import (
    code_step,
    mobile_steps,
    resident_session,
    resident_session_end,
    resident_session_start,
)
from .forms import CatalogueFilterForm
from .services import eligibility

CHECK_STEP = code_step(
    CHECK, _("您正在查询可享受的守信激励优惠，验证码{code}，{minutes}分钟内有效。请勿告诉他人。")
)


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


@require_http_methods(["GET", "POST"])
def check(request):
    """Step 1: the mobile number; step 2: the code."""
    steps = mobile_steps(request, CHECK_STEP)
    if steps.proven:
        resident_session_start(request, steps.proven)
        return redirect("incentives:check_result")
    return render(request, "incentives/check.html", steps.context())


@require_safe
def check_result(request):
    mobile_hash = resident_session(request)
    if mobile_hash is None:
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
        for resident in selectors.residents_with_mobile_hash(mobile_hash)
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
    resident_session_end(request)
    return redirect("incentives:catalogue")
