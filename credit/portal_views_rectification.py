"""The enterprise's rectification notices (整改通知) in the portal: the list, open ones
first, and one notice with its answer form (the rectification report and evidence).

Notices are fetched through `portal_scope`/`portal_object`: another enterprise's notice
answers 404 whatever the method."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.form_errors import add_service_errors
from core.portal import portal_object, portal_scope, portal_view

from .models import RectificationNotice
from .portal_forms import RectificationReportForm
from .selectors_rectification import notices_open_first
from .services.rectification import notice_can_answer, notice_submit


@never_cache
@require_safe
@portal_view
def notice_list(request):
    today = timezone.localdate()
    notices = notices_open_first(portal_scope(request, RectificationNotice.objects.all()))
    return render(
        request,
        "credit/portal/notices.html",
        {"notices": notices, "today": today},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@portal_view
def notice_detail(request, pk: int):
    notice = portal_object(request, RectificationNotice.objects.all(), pk)
    answerable = notice_can_answer(notice)
    form = RectificationReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice_submit(
                actor=request.user,
                notice=notice,
                enterprise=request.enterprise,
                report=form.cleaned_data["report"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "整改报告已提交，县商务局将组织验收。")
            return redirect("portal:credit_notice", pk=notice.pk)
    return render(
        request,
        "credit/portal/notice.html",
        {
            "notice": notice,
            "form": form if answerable or form.is_bound else None,
            "overdue": notice.is_overdue(timezone.localdate()),
        },
    )
