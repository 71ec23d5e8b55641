"""The complaint report (投诉统计) in the back office: the figures of
`complaints.statistics.complaint_statistics()` for a year and a township, as printable tables.

Mounted by the complaint admin (`ComplaintAdmin.get_urls` adds `*report_urls(self.admin_site)`
first, so the page is /admin/complaints/complaint/report/). Anyone who may view complaints
may read it (投诉受理员, 领导, …).
"""

from functools import partial

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from core.report_sections import report_sections
from registry.models import Township

from .models import Complaint
from .statistics import complaint_statistics

VIEW_PERMISSION = "complaints.view_complaint"


def report_years() -> list[int]:
    this_year = timezone.localdate().year
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    start = min(timezone.localtime(first).year, this_year) if first else this_year
    return list(range(this_year, start - 1, -1))


class ReportForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)
    township = forms.ModelChoiceField(
        label="乡镇", queryset=Township.objects.all(), required=False, empty_label="全县"
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]


def report_view(request, *, admin_site):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    years = report_years()
    form = ReportForm(request.GET or None, years=years, initial={"year": years[0]})
    year, township = years[0], None
    if form.is_bound and form.is_valid():
        year, township = form.cleaned_data["year"], form.cleaned_data["township"]
    statistics = complaint_statistics(year=year, township=township)
    context = {
        **admin_site.each_context(request),
        "title": f"{year}年投诉统计" + (f"（{township.name}）" if township else ""),
        "opts": Complaint._meta,
        "form": form,
        "year": year,
        "stats": statistics,
        # Figures other apps add (service reviews), for the same period and township.
        "sections": report_sections(
            "complaints",
            request,
            date_from=statistics.date_from,
            date_to=statistics.date_to,
            township=township,
        ),
        "max_month": max((m.count for m in statistics.by_month), default=0),
        "generated_at": timezone.localtime(),
    }
    return TemplateResponse(request, "complaints/admin/report.html", context)


def report_urls(admin_site) -> list:
    return [
        path(
            "report/",
            admin_site.admin_view(partial(report_view, admin_site=admin_site)),
            name="complaints_complaint_report",
        )
    ]
