"""Public complaint pages: submit, the acknowledgement, tracking and the satisfaction rating.

No account is needed. After a successful submission or look-up the case's id is kept in a
signed cookie (complaints.remembered), and the pages redirect (POST → redirect → GET), so a
reload never re-submits and the tracking number and phone never appear in a URL.
"""

import logging
import uuid

from django.core.exceptions import ValidationError
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import page_cache
from core.form_errors import add_service_errors
from core.validators import clean_mobile
from registry.models import Enterprise
from registry.ratelimits import RateLimit, WhenCacheDown, limit_hit, limit_refund
from registry.selectors import published_prices, worker_from_ref

from .. import remembered
from ..forms import (
    NONE_OF_THESE,
    ComplaintForm,
    SatisfactionForm,
    TrackingForm,
    enterprise_answer,
)
from ..models import Complaint
from ..selectors import (
    acknowledged_complaint,
    complaint_for_tracking,
    current_employer,
    tracking_view,
)
from ..services import complaint_satisfaction_rate, complaint_submit

logger = logging.getLogger(__name__)

# The form's second button: show the named enterprise's published prices (no JavaScript).
SHOW_PRICES = "prices"
RATE_LIMITED = (
    "提交次数过多，请稍后再试。如情况紧急，请直接拨打舟曲县工业和信息化和商务局投诉电话，"
    "或到所在乡镇便民服务中心求助。"
)
TRACK_LIMITED = "查询失败次数过多，请一小时后再试，或拨打投诉电话由工作人员帮您查询。"


def _phone_key(request) -> str | None:
    """The submitted mobile number in its normal form; an invalid one is not counted per
    phone (the form refuses it, and the per-address limit counts the attempt)."""
    try:
        return clean_mobile(request.POST.get("phone", ""))
    except ValidationError:
        return None


def _remembered(request, number: str) -> Complaint | None:
    ids = remembered.tracked_ids(request)
    if not number or not ids:
        return None
    return (
        Complaint.objects.select_related("enterprise", "township", "worker")
        .filter(pk__in=ids, tracking_number=number)
        .first()
    )


# Every submission counts per address, valid or not, so a script cannot retry forever; per
# phone only complaints actually stored count, so a resident correcting the form is never
# locked out. With the cache down both are counted in the database: a complaint writes
# several rows anyway, and the limits must hold whatever happens to Redis.
SUBMIT_PER_ADDRESS = RateLimit(
    group="complaints.submit",
    rate="COMPLAINT_RATE_PER_IP",
    when_cache_down=WhenCacheDown.DATABASE,
)
SUBMIT_PER_PHONE = RateLimit(
    group="complaints.submit.phone",
    rate="COMPLAINT_RATE_PER_PHONE",
    when_cache_down=WhenCacheDown.DATABASE,
    key=_phone_key,
)
# Failed look-ups guard the number-and-phone pair against guessing: counted in the
# database too when the cache is down.
TRACK_FAILURES = RateLimit(
    group="complaints.track",
    rate="TRACKING_RATE_PER_IP",
    when_cache_down=WhenCacheDown.DATABASE,
)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def complaint_new(request):
    if request.method != "POST":
        return _blank_form_page(request)
    worker = None
    form = ComplaintForm(request.POST, request.FILES)
    if form.data.get("worker_ref"):
        worker = worker_from_ref(form.data["worker_ref"])
    if request.POST.get("action") == SHOW_PRICES:
        return _prices_page(request, worker)

    def submit(data):
        return complaint_submit(
            submission_token=data["submission_token"],
            complainant_name=data["complainant_name"],
            phone=data["phone"],
            email=data["email"],
            township=data["township"],
            enterprise=data["enterprise"],
            enterprise_text=data["enterprise_text"],
            worker=form.worker if form.agreement is not None else worker,
            service_date=data["service_date"],
            service_category=data["service_category"],
            service_agreement=form.agreement,
            category=data["category"],
            description=data["description"],
            desired_outcome=data["desired_outcome"],
            attachments=data["attachments"],
            language=request.LANGUAGE_CODE,
            charged_amount=data["charged_amount"],
            charged_quantity=data["charged_quantity"],
        )

    return intake_post(
        request,
        form,
        submit=submit,
        page=lambda form, status: _form_page(request, form, worker=worker, status=status),
    )


def intake_post(request, form, *, submit, page):
    """The guarded submission of a complaint or 举报 form: the per-address limit counts every
    attempt, the per-phone limit only stored cases; `submit(cleaned_data)` calls the intake
    service, whose refusals are shown on the form; `page(form, status)` renders it."""
    if limit_hit(request, SUBMIT_PER_ADDRESS):
        form.add_error(None, RATE_LIMITED)
        return page(form, 429)
    if not form.is_valid():
        return page(form, 200)
    if limit_hit(request, SUBMIT_PER_PHONE):
        limit_refund(request, SUBMIT_PER_PHONE)
        form.add_error(None, RATE_LIMITED)
        return page(form, 429)
    try:
        result = submit(form.cleaned_data)
    except ValidationError as error:
        limit_refund(request, SUBMIT_PER_PHONE)
        add_service_errors(form, error)
        return page(form, 200)
    if not result.created:  # a reloaded page: the case stored before is shown again
        limit_refund(request, SUBMIT_PER_PHONE)
    response = redirect("complaints:submitted")
    remembered.remember(request, response, result.complaint.pk, submitted=True)
    return response


def _blank_form_page(request):
    """The form, pre-filled from ?worker=<signed ref> (a worker's card), ?enterprise=<id> or
    ?agreement=<number> (a standard service agreement's page)."""
    enterprise = worker = None
    ref = request.GET.get("worker", "")
    if ref:
        worker = worker_from_ref(ref)
        enterprise = current_employer(worker) if worker else None
    if enterprise is None and request.GET.get("enterprise", "").isdecimal():
        enterprise = Enterprise.objects.filter(pk=request.GET["enterprise"]).first()
    initial = {}
    if enterprise is not None:
        initial.update(enterprise_query=enterprise.name, enterprise_choice=str(enterprise.pk))
    if worker is not None:
        initial["worker_ref"] = ref
    if number := request.GET.get("agreement", "")[:30]:
        initial["agreement_number"] = number
    if not initial:
        return _plain_blank_form_page(request)
    form = ComplaintForm(initial=initial)
    return _form_page(request, form, worker=worker, enterprise=enterprise)


# The plain blank form (no pre-filled enterprise, worker or agreement) is the same for
# everyone in a language but for two tokens: rendered once with markers in their place.
BLANK_FORM_SECONDS = 600
SUBMISSION_TOKEN_MARKER = "ZQJZSUBMISSIONTOKENMARKER"  # noqa: S105 - a marker, no secret


def _plain_blank_form_page(request):
    def render_body() -> str:
        form = ComplaintForm(initial={"submission_token": SUBMISSION_TOKEN_MARKER})
        context = _form_context(form, worker=None, enterprise=None, prices_asked=False)
        return render_to_string(
            "complaints/partials/new_body.html",
            {**context, "csrf_token": page_cache.CSRF_MARKER},
        )

    html = page_cache.fragment(
        "complaints-new",
        depends_on=[page_cache.PUBLIC_CHOICES],
        seconds=BLANK_FORM_SECONDS,
        render=render_body,
    )
    body = page_cache.fill(
        html,
        {
            page_cache.CSRF_MARKER: get_token(request),
            SUBMISSION_TOKEN_MARKER: uuid.uuid4().hex,
        },
    )
    return render(request, "complaints/new.html", {"body": body})


def _prices_page(request, worker):
    """查看该企业公示价格, without JavaScript: the form again as the resident typed it, with
    the published prices of the enterprise they named. Nothing is checked or stored, and the
    submission is not counted against the rate limits."""
    answer = enterprise_answer(
        request.POST.get("enterprise_query", ""), request.POST.get("enterprise_choice", "")
    )
    typed = {
        name: value
        for name, value in request.POST.dict().items()
        if name in ComplaintForm.base_fields and name != "attachments"
    }
    if answer.enterprise is not None:
        typed["enterprise_choice"] = str(answer.enterprise.pk)
    form = ComplaintForm(initial=typed)
    form.candidates = answer.candidates
    return _form_page(request, form, worker=worker, enterprise=answer.enterprise, prices_asked=True)


def _form_page(
    request,
    form: ComplaintForm,
    *,
    worker=None,
    enterprise=None,
    prices_asked: bool = False,
    status: int = 200,
):
    if enterprise is None and form.is_bound and hasattr(form, "cleaned_data"):
        enterprise = form.cleaned_data.get("enterprise")
    return render(
        request,
        "complaints/new.html",
        _form_context(form, worker=worker, enterprise=enterprise, prices_asked=prices_asked),
        status=status,
    )


def _form_context(form: ComplaintForm, *, worker, enterprise, prices_asked: bool) -> dict:
    return {
        "form": form,
        "worker": worker,
        "employer": current_employer(worker) if worker else None,
        "candidates": form.candidates,
        "none_of_these": NONE_OF_THESE,
        "price_enterprise": enterprise,
        "prices": published_prices(enterprise) if enterprise is not None else [],
        "prices_asked": prices_asked,
        "chosen_category": str(form["service_category"].value() or ""),
        "show_prices": SHOW_PRICES,
    }


@never_cache
def complaint_submitted(request):
    complaint = acknowledged_complaint(remembered.submitted_id(request))
    if complaint is None:
        return redirect("complaints:new")
    return render(request, "complaints/submitted.html", {"complaint": complaint})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def complaint_track(request):
    if request.method == "POST":
        form = TrackingForm(request.POST)
        # Every look-up is counted before it runs (so simultaneous guesses cannot all slip
        # under the limit) and a successful one is given back: a resident checking often is
        # not abuse.
        if limit_hit(request, TRACK_FAILURES):
            limit_refund(request, TRACK_FAILURES)
            form.add_error(None, TRACK_LIMITED)
            return render(request, "complaints/track.html", {"form": form}, status=429)
        if form.is_valid():
            complaint = complaint_for_tracking(
                form.cleaned_data["tracking_number"], form.cleaned_data["phone"]
            )
            if complaint is not None:
                limit_refund(request, TRACK_FAILURES)
                response = redirect(f"{request.path}?n={complaint.tracking_number}")
                remembered.remember(request, response, complaint.pk)
                return response
            form.add_error(None, "投诉编号与手机号码不匹配，请核对后重试。")
        return render(request, "complaints/track.html", {"form": form})

    complaint = _remembered(request, request.GET.get("n", ""))
    if complaint is None:
        return render(request, "complaints/track.html", {"form": TrackingForm()})
    return render(
        request,
        "complaints/track.html",
        {
            "view": tracking_view(complaint),
            "satisfaction_form": SatisfactionForm(
                initial={"tracking_number": complaint.tracking_number}
            ),
        },
    )


@never_cache
@require_POST
def complaint_rate(request):
    form = SatisfactionForm(request.POST)
    complaint = _remembered(request, request.POST.get("tracking_number", ""))
    if complaint is None:
        return redirect("complaints:track")
    if form.is_valid():
        try:
            complaint_satisfaction_rate(
                complaint=complaint,
                score=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            track = reverse("complaints:track")
            return redirect(f"{track}?n={complaint.tracking_number}&rated=1")
    return render(
        request,
        "complaints/track.html",
        {"view": tracking_view(complaint), "satisfaction_form": form},
    )
