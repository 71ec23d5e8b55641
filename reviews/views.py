"""The public review pages: the form at /reviews/new/ and the thank-you page.

No account is needed, but the mobile is confirmed: "获取短信验证码" sends a code to the
number typed (limited per client address here and per mobile by the code service) and the
review is accepted only with that code. A review is 已核实服务 when a real service is
proven (an agreement, a redemption, or the worker's card verified in this browser within
REVIEW_SCAN_DAYS); only those count in the credit file.

The form is limited per client address (every submission) and per phone number (reviews
stored) with `COMPLAINT_RATE_PER_IP` and `COMPLAINT_RATE_PER_PHONE`, counted in the
database while the cache is down; over the limit it is shown again with a message instead
of an error page. A bot that fills the hidden honeypot field is thanked and nothing is
saved or sent.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from core.form_errors import add_service_errors
from core.personal_data import mask_person_name, phone_hash
from core.validators import clean_mobile
from registry.code_forms import CODE_NOT_SENT, code_sent_message
from registry.models import Enterprise, Worker
from registry.ratelimits import RateLimit, WhenCacheDown, limit_hit, limit_refund
from registry.selectors import worker_from_ref
from registry.services.codes import code_delivery_failed
from registry.verification import scans_recent

from .forms import ReviewForm
from .selectors import review_worker_card
from .services import review_code_send, review_submit_with_code

RATE_LIMITED = "提交过于频繁，请稍后再试。如需帮助，请拨打县工信商务局电话咨询。"
SEND_LIMITED = "获取验证码的次数过多，请1小时后再试。"
# The session key and the limits' groups keep the names they had in `complaints`, so
# sessions and counters in flight carry over.
THANKS_SESSION_KEY = "complaints_review_thanks"


def phone_key(request) -> str | None:
    """The submitted number in its normal form (hashed), so "139 0941 0000" and
    "13909410000" share one limit; an invalid number is refused by the form."""
    try:
        return phone_hash(clean_mobile(request.POST.get("phone", "")))
    except ValidationError:
        return None


# Reviews become credit records: both limits are counted in the database when the cache is
# down, so an outage is no window for stuffing an enterprise's reputation.
REVIEW_PER_ADDRESS = RateLimit(
    group="complaints.review.ip",
    rate="COMPLAINT_RATE_PER_IP",
    when_cache_down=WhenCacheDown.DATABASE,
)
REVIEW_PER_PHONE = RateLimit(
    group="complaints.review.phone",
    rate="COMPLAINT_RATE_PER_PHONE",
    when_cache_down=WhenCacheDown.DATABASE,
    key=phone_key,
)
# Codes cost an SMS each: one address may ask for a few only (the code service also
# throttles each mobile).
CODE_PER_ADDRESS = RateLimit(
    group="reviews.code.ip", rate="10/h", when_cache_down=WhenCacheDown.DATABASE
)


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


def _initial(request) -> dict:
    """Pre-fill from ?worker=<signed ref> (a worker's card or verification page) and/or
    ?enterprise=<id> (an enterprise's public page). Unknown references are ignored."""
    initial: dict = {}
    ref = request.GET.get("worker", "")
    worker = worker_from_ref(ref) if ref else None
    if worker is not None:
        initial["worker"] = ref
        employers = list(Enterprise.objects.employing(worker).values_list("pk", flat=True)[:2])
        if len(employers) == 1:
            initial["enterprise"] = employers[0]
    if number := request.GET.get("agreement", "")[:30]:
        initial["agreement_number"] = number
    enterprise_id = _int_param(request, "enterprise")
    if enterprise_id and Enterprise.objects.filter(pk=enterprise_id).exists():
        initial["enterprise"] = enterprise_id
    return initial


def _worker_for(form: ReviewForm) -> Worker | None:
    """The worker the page is about: the submitted one, else the pre-filled one."""
    if form.is_bound:
        worker = form.cleaned_data.get("worker") if hasattr(form, "cleaned_data") else None
        if worker is not None:
            return worker
        return worker_from_ref(form.data.get("worker", ""))
    return worker_from_ref(form.initial.get("worker", ""))


def _phone_limited(request) -> bool:
    """Count a valid review against its phone; one refused is given back."""
    if limit_hit(request, REVIEW_PER_PHONE):
        limit_refund(request, REVIEW_PER_PHONE)
        return True
    return False


def _send_code(request) -> tuple[ReviewForm, str, str, int]:
    """ "获取短信验证码": (the form as typed, message, error, status)."""
    form = ReviewForm.retyped(request.POST)
    if limit_hit(request, CODE_PER_ADDRESS):
        return form, "", SEND_LIMITED, 429
    try:
        phone = clean_mobile(request.POST.get("phone", ""))
        record = review_code_send(phone=phone)
    except ValidationError as error:
        return form, "", error.messages[0], 200
    if code_delivery_failed(record):
        return form, "", CODE_NOT_SENT, 200
    return form, code_sent_message(phone), "", 200


@require_http_methods(["GET", "HEAD", "POST"])
def review_new(request):
    status = 200
    code_message = code_error = ""
    if request.method == "POST" and request.POST.get("action") == "send":
        if request.POST.get("website"):
            return redirect("reviews:thanks")
        form, code_message, code_error, status = _send_code(request)
    elif request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_spam:
            return redirect("reviews:thanks")
        valid = form.is_valid()  # keeps what was typed, with its errors
        if limit_hit(request, REVIEW_PER_ADDRESS) or (valid and _phone_limited(request)):
            form.add_error(None, RATE_LIMITED)
            status = 429
        elif valid:
            data = form.cleaned_data
            try:
                review = review_submit_with_code(
                    phone=data["phone"],
                    code=data["code"],
                    scanned_worker_ids=scans_recent(
                        request, timezone.now(), settings.REVIEW_SCAN_DAYS
                    ),
                    enterprise=data["enterprise"],
                    worker=data["worker"],
                    service_date=data["service_date"],
                    service_category=data["service_category"],
                    service_agreement=data["service_agreement"],
                    quality=data["quality"],
                    punctuality=data["punctuality"],
                    attitude=data["attitude"],
                    comment=data["comment"],
                    reviewer_name=data["reviewer_name"],
                )
            except ValidationError as exc:
                limit_refund(request, REVIEW_PER_PHONE)
                add_service_errors(form, exc)
            else:
                subjects = []
                if review.worker_id:
                    subjects.append(f"从业人员{mask_person_name(review.worker.name)}")
                if review.enterprise_id:
                    subjects.append(f"“{review.enterprise.name}”")
                request.session[THANKS_SESSION_KEY] = {
                    "subjects": subjects,
                    "verified": review.verified,
                }
                return redirect("reviews:thanks")
    else:
        form = ReviewForm(initial=_initial(request))
    worker = _worker_for(form)
    context = {
        "form": form,
        "worker": review_worker_card(worker) if worker else None,
        "code_message": code_message,
        "code_error": code_error,
    }
    return render(request, "reviews/new.html", context, status=status)


@require_safe
def review_thanks(request):
    submitted = request.session.pop(THANKS_SESSION_KEY, None)
    if not isinstance(submitted, dict):  # a session from before verified reviews
        submitted = {"subjects": submitted, "verified": True} if submitted else None
    return render(request, "reviews/thanks.html", {"submitted": submitted})
