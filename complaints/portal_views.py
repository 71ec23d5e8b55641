"""The enterprise portal's complaint pages: the complaints against the enterprise, one
case with its public timeline, the answer form and the outcome.

Every view is a `portal_view` and reads cases only through `portal_scope`/`portal_object`,
so another enterprise's case answers 404. The complainant's contact details are never
shown: the name is masked and the phone is not even loaded.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.form_errors import add_service_errors
from core.personal_data import mask_person_name
from core.portal import portal_object, portal_scope, portal_view

from .models import ComplaintAttachment
from .portal_forms import AnswerForm
from .selectors import complaints_for_enterprise, public_timeline
from .services import complaint_enterprise_respond
from .services.handling import RESPONDABLE
from .timeline import Audience

PAGE_SIZE = 50


def _cases(request):
    """The enterprise's cases, without any of the complainant's contact details."""
    return complaints_for_enterprise(request.enterprise).defer("phone_masked", "email")


def answer_state(complaint, today) -> str:
    """`due` (answer expected, in time), `overdue`, `answered`, or "" (nothing to answer)."""
    if complaint.responded_at is not None:
        return "answered"
    if complaint.status not in RESPONDABLE or complaint.response_due is None:
        return ""
    return "overdue" if today > complaint.response_due else "due"


def _complainant(complaint) -> str:
    """Who filed the case, as the enterprise may see it: a complainant's masked name; a
    reporter (举报) is never identified to the enterprise concerned."""
    if complaint.is_report:
        return "举报人信息不公开"
    return mask_person_name(complaint.complainant_name)


@never_cache
@require_safe
@portal_view
def complaint_list(request):
    today = timezone.localdate()
    status = request.GET.get("status", "")
    cases = portal_scope(request, _cases(request))
    if status == "open":
        cases = cases.open()
    elif status == "closed":
        cases = cases.exclude(pk__in=cases.open().values("pk"))
    total = cases.count()
    rows = [
        {
            "complaint": complaint,
            "complainant": _complainant(complaint),
            "answer": answer_state(complaint, today),
        }
        for complaint in cases[:PAGE_SIZE]
    ]
    return render(
        request,
        "complaints/portal/list.html",
        {"rows": rows, "total": total, "limit": PAGE_SIZE, "status": status},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@portal_view
def complaint_detail(request, pk: int):
    complaint = portal_object(request, _cases(request), pk)
    can_answer = complaint.status in RESPONDABLE
    form = None
    if can_answer:
        if request.method == "POST":
            form = AnswerForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    complaint_enterprise_respond(
                        actor=request.user,
                        enterprise=request.enterprise,
                        complaint=complaint,
                        text=form.cleaned_data["text"],
                        attachments=form.cleaned_data["attachments"],
                    )
                except ValidationError as error:
                    add_service_errors(form, error, {"enterprise_response": "text"})
                else:
                    messages.success(
                        request,
                        "答复已提交。投诉人查询投诉进度时会看到您的答复，工作人员也会看到。",
                    )
                    return redirect("portal:complaints_detail", pk=complaint.pk)
        else:
            form = AnswerForm(initial={"text": complaint.enterprise_response})
    elif request.method == "POST":
        messages.error(request, "该投诉当前不在办理中，不能答复。")
        return redirect("portal:complaints_detail", pk=complaint.pk)
    return render(
        request,
        "complaints/portal/detail.html",
        {
            "complaint": complaint,
            "complainant": _complainant(complaint),
            "timeline": public_timeline(complaint, Audience.ENTERPRISE),
            "answer": answer_state(complaint, timezone.localdate()),
            "our_attachments": list(
                complaint.attachments.filter(source=ComplaintAttachment.Source.ENTERPRISE)
            ),
            "complainant_attachments": complaint.attachments.filter(
                source=ComplaintAttachment.Source.COMPLAINANT
            ).count(),
            "form": form,
        },
    )
