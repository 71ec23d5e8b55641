"""The portal's credit pledge page (信用承诺书): read the version in force, sign it (the
signer's name and a tick), and see the enterprise's signatures."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.form_errors import add_service_errors
from core.portal import portal_scope, portal_view

from . import selectors_pledges
from .models import PledgeSignature, PledgeText
from .portal_forms import PledgeSignForm
from .services.pledges import pledge_sign, pledge_sign_problems


@never_cache
@require_http_methods(["GET", "POST"])
@portal_view
def pledge(request):
    status = selectors_pledges.pledge_status(request.enterprise)
    current = status.current
    initial = {"version": current.version if current else None}
    form = PledgeSignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # The version the signer read: if another was published meanwhile, the service
        # refuses and the page shows the new text.
        read = PledgeText.objects.filter(version=form.cleaned_data["version"]).first()
        try:
            pledge_sign(
                actor=request.user,
                enterprise=request.enterprise,
                pledge=read,
                signer_name=form.cleaned_data["signer_name"],
                agreed=form.cleaned_data["agreed"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已签署第{read.version}版信用承诺书，将在企业信息页公示。")
            return redirect("portal:credit_pledge")
    signatures = portal_scope(request, PledgeSignature.objects.select_related("pledge")).order_by(
        "-pledge__version"
    )
    return render(
        request,
        "credit/portal/pledge.html",
        {
            "status": status,
            "form": form,
            "problems": pledge_sign_problems(enterprise=request.enterprise, pledge=current),
            "signatures": list(signatures),
        },
    )
