"""The public 举报 page (/complaints/report/): a violation without a personal loss, taken in
through the same intake service and the same guards as a complaint (rate limits per address
and phone, honeypot, one-time token); acknowledged and tracked like a complaint."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..forms import NONE_OF_THESE
from ..models import CaseType, ReportCategory
from ..report_forms import ReportForm
from ..services import complaint_submit
from .complaints import intake_post


def _page(request, form: ReportForm, status: int = 200):
    return render(
        request,
        "complaints/report.html",
        {"form": form, "candidates": form.candidates, "none_of_these": NONE_OF_THESE},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_new(request):
    if request.method != "POST":
        initial = {}
        # From the verification page of a card that looks wrong: the card and the category.
        if card := request.GET.get("card", "")[:100]:
            initial.update(reported_card=card, report_category=ReportCategory.FAKE_CARD)
        return _page(request, ReportForm(initial=initial))
    form = ReportForm(request.POST, request.FILES)

    def submit(data):
        return complaint_submit(
            case_type=CaseType.REPORT,
            submission_token=data["submission_token"],
            complainant_name=data["complainant_name"],
            phone=data["phone"],
            email=data["email"],
            township=data["township"],
            enterprise=data["enterprise"],
            enterprise_text=data["enterprise_text"],
            worker=form.worker,
            subject_address=data["subject_address"],
            reported_card=data["reported_card"],
            service_date=data["service_date"],
            category="",
            report_category=data["report_category"],
            description=data["description"],
            desired_outcome=data["desired_outcome"],
            attachments=data["attachments"],
            language=request.LANGUAGE_CODE,
        )

    return intake_post(
        request, form, submit=submit, page=lambda f, status: _page(request, f, status)
    )
