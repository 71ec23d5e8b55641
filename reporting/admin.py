from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.admin import ArticleAdmin
from articles.models import Article
from complaints.models import Category
from core.links import absolute_url_builder

from . import annual_workbook, posters, services
from .annual_figures import annual_report_figures
from .models import AnnualReport

# --- Honour-roll posters, under the publicity articles -------------------------------------


class ArticlePostersAdmin(ArticleAdmin):
    """The articles' list, with the year's honour-roll posters beside it."""

    def get_urls(self):
        return [
            path(
                "posters/",
                self.admin_site.admin_view(self.posters_view),
                name="articles_article_posters",
            ),
            *super().get_urls(),
        ]

    def posters_view(self, request):
        """The year's honour-roll posters, each with its own page and a print-all sheet."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        years = posters.poster_years()
        year = request.GET.get("year", "")
        if not (year.isdecimal() and int(year) in years):
            year = years[0] if years else None
        else:
            year = int(year)
        items = posters.posters_for_year(year, absolute_url_builder(request)) if year else []
        context = {
            **self.admin_site.each_context(request),
            "title": "诚信红榜宣传海报",
            "opts": self.model._meta,
            "years": years,
            "year": year,
            "enterprise_posters": [p for p in items if p.kind == "enterprise"],
            "worker_posters": [p for p in items if p.kind == "worker"],
        }
        return TemplateResponse(request, "admin/reporting/posters.html", context)


# The posters page stays under the articles' list, where staff find it (its template,
# admin/articles/article/change_list.html, is reporting's too); `articles` knows nothing of
# reporting.
admin.site.unregister(Article)
admin.site.register(Article, ArticlePostersAdmin)


# --- Annual report ---------------------------------------------------------------------------


class StartReportForm(forms.Form):
    year = forms.TypedChoiceField(label="报告年度", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年度") for y in services.report_years()]


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "year",
        "status",
        "progress_bar",
        "requested_by",
        "finished_at",
        "links",
    ]
    list_filter = ["year", "status"]
    list_select_related = ["requested_by"]
    readonly_fields = [f.name for f in AnnualReport._meta.fields]

    # Reports are started through the start page and never edited.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _can_start(self, request) -> bool:
        return request.user.has_perm("reporting.add_annualreport")

    @admin.display(description="进度")
    def progress_bar(self, obj):
        return format_html(
            '<progress max="100" value="{}">{}%</progress> {}%',
            obj.progress,
            obj.progress,
            obj.progress,
        )

    @admin.display(description="查看")
    def links(self, obj):
        progress = reverse("admin:reporting_annualreport_progress", args=[obj.pk])
        if obj.status == AnnualReport.Status.DONE and obj.file:
            download = reverse("admin:reporting_annualreport_download", args=[obj.pk])
            return format_html(
                '<a href="{}">下载Excel</a> · <a href="{}">详情</a>', download, progress
            )
        return format_html('<a href="{}">详情</a>', progress)

    def get_urls(self):
        def view(function, route, name):
            return path(
                route,
                self.admin_site.admin_view(function),
                name=f"reporting_annualreport_{name}",
            )

        return [
            view(self.start_view, "start/", "start"),
            view(self.progress_view, "<int:object_id>/progress/", "progress"),
            view(self.download_view, "<int:object_id>/download/", "download"),
            view(self.print_view, "print/<int:year>/", "print"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_start_report": self._can_start(request),
            "print_year": services.report_years()[0],
        }
        return super().changelist_view(request, extra_context)

    def start_view(self, request):
        if not self._can_start(request):
            raise PermissionDenied
        form = StartReportForm(request.POST or None, initial={"year": timezone.localdate().year})
        if request.method == "POST" and form.is_valid():
            try:
                started = services.annual_report_start(
                    actor=request.user, year=form.cleaned_data["year"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(reverse("admin:reporting_annualreport_progress", args=[started.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "生成年度报告",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/reporting/annualreport/start.html", context)

    def progress_view(self, request, object_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        item = get_object_or_404(AnnualReport.objects.select_related("requested_by"), pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": str(item),
            "opts": self.model._meta,
            "report": item,
            "sheets": list(annual_workbook.HEADERS),
        }
        return TemplateResponse(request, "admin/reporting/annualreport/progress.html", context)

    def download_view(self, request, object_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        item = get_object_or_404(AnnualReport, pk=object_id, status=AnnualReport.Status.DONE)
        if not item.file:
            raise Http404
        try:
            handle = item.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"舟曲县信易+家政{item.year}年度报告.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def print_view(self, request, year: int):
        """The report's figures as a page to print (the list of rated subjects is only in the
        workbook; the page gives its count)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if year not in services.report_years():
            raise Http404
        figures = annual_report_figures(year=year)
        context = {
            "figures": figures,
            "dashboard": figures.dashboard,
            "overview": annual_workbook.overview_rows(figures),
            "grades": annual_workbook.grade_rows(figures),
            "complaints": annual_workbook.complaint_rows(figures),
            "incentives": annual_workbook.incentive_rows(figures),
            "headers": annual_workbook.HEADERS,
            "categories": Category.labels,
            "years": services.report_years(),
        }
        return TemplateResponse(request, "admin/reporting/annualreport/print.html", context)
