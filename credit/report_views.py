"""Credit reports (信用报告) on screen and on paper: the one page that shows an issued report
(opened from the portal and from the back office) and the public verification page
`/credit/reports/verify/` behind the report's QR code.

The report is a print-ready A4 page (print CSS, @page A4), not a PDF: a PDF library that
writes Chinese needs system libraries and a CJK font a bare machine does not have, while
every browser prints the page, or saves it as PDF, with the reader's own fonts.

Verification asks for the report number only. Look-ups are counted per client address
before they run and a successful one is given back (REPORT_VERIFY_RATE_PER_IP failed
look-ups), so numbers cannot be tried in bulk; while the cache is down the count moves to
the database."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.form_errors import ResidentFormMixin
from core.links import absolute_url
from core.numbers import normalise_number
from core.qr import qr_svg
from registry.ratelimits import RateLimit, WhenCacheDown, limit_hit, limit_refund

from .models import CreditReport
from .selectors_report import report_for_number, report_number_problem, report_page

VERIFY_FAILURES = RateLimit(
    group="credit.report_verify",
    rate="REPORT_VERIFY_RATE_PER_IP",
    when_cache_down=WhenCacheDown.DATABASE,
)
VERIFY_LIMITED = "核验次数过多，请一小时后再试。"
UNKNOWN_NUMBER = "没有找到编号为{number}的信用报告。请对照报告上印的编号逐位核对后重新输入。"


def report_verify_url(request, report: CreditReport) -> str:
    """The absolute address the report's QR code points to."""
    path = reverse("credit:report_verify")
    return absolute_url(request, f"{path}?number={report.number}")


def report_context(request, report: CreditReport) -> dict:
    """What the report template needs: the content as issued, its state, the QR code."""
    verify_url = report_verify_url(request, report)
    return {
        "page": report_page(report, timezone.localdate()),
        "verify_url": verify_url,
        "qr_svg": qr_svg(verify_url, svgclass="report-qr-svg"),
    }


def report_print(request, report: CreditReport, *, back_url: str, back_label: str):
    """The report alone on a page, ready to print on A4 (portal and back office)."""
    context = report_context(request, report)
    context.update(back_url=back_url, back_label=back_label)
    response = render(request, "credit/report/print.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class ReportVerifyForm(ResidentFormMixin, forms.Form):
    number = forms.CharField(
        label=_("报告编号"),
        max_length=40,
        help_text=_("印在报告右上角，以XY开头，共18位。"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    def clean_number(self):
        number = self.cleaned_data["number"]
        if problem := report_number_problem(number):
            raise ValidationError(problem)
        return normalise_number(number)


def _verify_page(request, context: dict, status: int = 200):
    response = render(request, "credit/report/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_safe
def report_verify(request):
    if "number" not in request.GET:
        return _verify_page(request, {"form": ReportVerifyForm()})
    form = ReportVerifyForm(request.GET)
    if not form.is_valid():
        return _verify_page(request, {"form": form})
    if limit_hit(request, VERIFY_FAILURES):
        limit_refund(request, VERIFY_FAILURES)
        form.add_error(None, VERIFY_LIMITED)
        return _verify_page(request, {"form": form}, status=429)
    number = form.cleaned_data["number"]
    report = report_for_number(number)
    if report is None:
        form.add_error("number", UNKNOWN_NUMBER.format(number=number))
        return _verify_page(request, {"form": form})
    limit_refund(request, VERIFY_FAILURES)
    context = report_context(request, report)
    context["form"] = ReportVerifyForm()
    return _verify_page(request, context)
