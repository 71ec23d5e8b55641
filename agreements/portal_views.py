"""The enterprise portal's agreement pages: the list, issuing one, its page (record the
customer's paper signature, cancel), and the A4 print page with its QR code.

Every view is a `portal_view` and reaches agreements through `portal_scope`/`portal_object`,
so another enterprise's agreement answers 404 and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.form_errors import add_service_errors
from core.links import absolute_url
from core.portal import portal_object, portal_scope, portal_view
from core.qr import qr_svg

from . import selectors, services
from .clauses_default import LAW
from .models import ServiceAgreement
from .portal_forms import AgreementForm, CancelForm, ItemFormSet, PaperSignatureForm

ANY_METHOD = ["GET", "HEAD", "POST"]
PREFILLED = ("township", "starts_on", "ends_on", "note")


def _agreements(request):
    return portal_scope(request, selectors.agreements_of(request.enterprise))


@never_cache
@require_safe
@portal_view
def agreement_list(request):
    rows = _agreements(request)
    status = request.GET.get("status", "")
    if status in ServiceAgreement.Status.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "agreements/portal/list.html",
        {
            "agreements": rows[:200],
            "status": status,
            "statuses": ServiceAgreement.Status.choices,
            "counts": selectors.agreement_counts(enterprise=request.enterprise),
        },
    )


def _issue(request, form, items):
    data = form.cleaned_data
    return services.agreement_issue(
        actor=request.user,
        enterprise=request.enterprise,
        customer_name=data["customer_name"],
        customer_mobile=data["customer_mobile"],
        township=data["township"],
        service_address=data["service_address"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        worker=data["worker"],
        note=data["note"],
        items=[
            services.ItemInput(
                category=row["category"],
                quantity=row["quantity"],
                unit_price=row["unit_price"],
                reason=row["reason"],
            )
            for row in items.filled()
        ],
        warnings_confirmed=request.POST.get("confirm") == "1",
    )


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def agreement_new(request):
    enterprise = request.enterprise
    posted = request.POST if request.method == "POST" else None
    # A page that leads here (an accepted booking) may fill in the township, the day and a
    # note; nothing personal travels in the address.
    initial = {key: request.GET[key] for key in PREFILLED if request.GET.get(key)}
    form = AgreementForm(posted, enterprise=enterprise, initial=initial)
    items = ItemFormSet(posted, prefix="items", form_kwargs={"enterprise": enterprise})
    warnings = []
    if posted is not None and form.is_valid() and items.is_valid():
        try:
            agreement = _issue(request, form, items)
        except services.AgreementWarnings as exc:
            warnings = exc.messages
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"已出具服务约定{agreement.number}，确认短信已发往客户手机"
                f"{agreement.customer_mobile_masked}。请打印一份交客户。",
            )
            return redirect("portal:agreement", pk=agreement.pk)
    return render(
        request,
        "agreements/portal/new.html",
        {
            "form": form,
            "items": items,
            "warnings": warnings,
            "offerings": selectors.published_offerings(enterprise),
            "law": LAW,
        },
    )


@never_cache
@require_safe
@portal_view
def agreement_detail(request, pk: int):
    agreement = portal_object(request, _agreements(request), pk)
    return render(
        request,
        "agreements/portal/detail.html",
        {
            "agreement": agreement,
            "can_confirm": services.AGREEMENT_MACHINE.can(
                agreement, ServiceAgreement.Status.CONFIRMED
            ),
            "can_cancel": services.AGREEMENT_MACHINE.can(
                agreement, ServiceAgreement.Status.CANCELLED
            ),
        },
    )


def _action_page(request, pk: int, *, form_class, title: str, perform, done: str):
    agreement = portal_object(request, _agreements(request), pk)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(agreement, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done.format(number=agreement.number))
            return redirect("portal:agreement", pk=agreement.pk)
    return render(
        request,
        "agreements/portal/action.html",
        {"agreement": agreement, "form": form, "title": title},
    )


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def agreement_paper(request, pk: int):
    return _action_page(
        request,
        pk,
        form_class=PaperSignatureForm,
        title="登记纸质签字",
        perform=lambda agreement, data: services.agreement_record_paper_signature(
            actor=request.user, agreement=agreement, signed_on=data["signed_on"]
        ),
        done="已登记服务约定{number}的纸质签字。",
    )


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def agreement_cancel(request, pk: int):
    return _action_page(
        request,
        pk,
        form_class=CancelForm,
        title="作废服务约定",
        perform=lambda agreement, data: services.agreement_cancel(
            actor=request.user, agreement=agreement, reason=data["reason"]
        ),
        done="服务约定{number}已作废。",
    )


@never_cache
@require_safe
@portal_view
def agreement_print(request, pk: int):
    agreement = portal_object(request, _agreements(request), pk)
    verify_url = absolute_url(request, f"{reverse('agreements:verify')}?number={agreement.number}")
    return render(
        request,
        "agreements/portal/print.html",
        {
            "agreement": agreement,
            "verify_url": verify_url,
            "qr_svg": qr_svg(verify_url, svgclass="agreement-qr-svg"),
            "law": LAW,
            "printed_on": timezone.localdate(),
        },
    )
