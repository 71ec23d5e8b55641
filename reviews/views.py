"""The public review pages: the form at /reviews/new/ and the thank-you page.

No account is needed. The form is limited per client address (every submission) and per
phone number (reviews stored) with `COMPLAINT_RATE_PER_IP` and `COMPLAINT_RATE_PER_PHONE`,
counted in the database while the cache is down; over the limit it is shown again with a
message instead of an error page. A bot that fills the hidden honeypot field is thanked
and nothing is saved.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from core.form_errors import add_service_errors
from core.personal_data import mask_person_name, phone_hash
from core.validators import clean_mobile
from registry.models import Enterprise, Worker
from registry.ratelimits import RateLimit, WhenCacheDown, limit_hit, limit_refund
from registry.selectors import worker_from_ref

from .forms import ReviewForm
from .selectors import review_worker_card
from .services import review_submit

RATE_LIMITED = "提交过于频繁，请稍后再试。如需帮助，请拨打县工信商务局电话咨询。"
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


@require_http_methods(["GET", "HEAD", "POST"])
def review_new(request):
    status = 200
    if request.method == "POST":
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
                review = review_submit(
                    phone=data["phone"],
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
                request.session[THANKS_SESSION_KEY] = subjects
                return redirect("reviews:thanks")
    else:
        form = ReviewForm(initial=_initial(request))
    worker = _worker_for(form)
    context = {
        "form": form,
        "worker": review_worker_card(worker) if worker else None,
    }
    return render(request, "reviews/new.html", context, status=status)


@require_safe
def review_thanks(request):
    submitted = request.session.pop(THANKS_SESSION_KEY, None)
    return render(request, "reviews/thanks.html", {"submitted": submitted})
