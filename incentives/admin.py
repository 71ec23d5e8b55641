"""The incentives back office: the catalogue, residents and special groups, the dishonesty
list, participation, redemptions (audit, export, coverage) and support applications
ranked by credit. Admin classes arrange the interface; every write goes through
`incentives.services`."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from core.admin_history import HistoryAdmin
from core.admin_workflows import reason_action_page
from registry.admin_ledger import xlsx_response

# Importing the other back-office modules registers their admin classes.
from . import (  # noqa: F401
    admin_catalogue,
    admin_redemptions,
    admin_residents,
    admin_support,
    services,
)
from .models import DishonestyEntry, DishonestyListImport
from .services.dishonesty import dishonesty_import_allowed, dishonesty_template

# --- Dishonesty list ---------------------------------------------------------------------------


class DishonestyUploadForm(forms.Form):
    source = forms.CharField(
        label="名单来源", max_length=100, initial="舟曲县人民法院失信被执行人名单"
    )
    list_date = forms.DateField(
        label="名单日期", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    file = forms.FileField(label="Excel文件", help_text="只接受Excel工作簿（.xlsx）。")
    import_id = forms.CharField(required=False, widget=forms.HiddenInput)


@admin.register(DishonestyListImport)
class DishonestyListImportAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "list_date",
        "entry_count",
        "matched_count",
        "imported_by",
        "imported_at",
        "original_name",
    ]
    list_filter = ["source"]
    readonly_fields = [f.name for f in DishonestyListImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="incentives_dishonesty_upload"),
            path("template/", view(self.template_view), name="incentives_dishonesty_template"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "upload_url": reverse("admin:incentives_dishonesty_upload"),
            "can_import": dishonesty_import_allowed(request.user),
        }
        return super().changelist_view(request, extra_context)

    def upload_view(self, request):
        if not dishonesty_import_allowed(request.user):
            raise PermissionDenied
        form = DishonestyUploadForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            previewed = form.cleaned_data["import_id"]
            try:
                result = services.dishonesty_list_import(
                    actor=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    source=form.cleaned_data["source"],
                    list_date=form.cleaned_data["list_date"],
                    dry_run=not previewed,
                    previewed_import_id=previewed,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                if result.written:
                    messages.success(request, result.message)
                    return redirect("admin:incentives_dishonestylistimport_changelist")
                if result.ok:
                    form = DishonestyUploadForm(
                        initial={**form.cleaned_data, "import_id": result.import_id}
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": "导入失信名单",
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "preview_headers": ["姓名", "身份证号", "案号", "执行法院", "列入日期"],
            "template_url": reverse("admin:incentives_dishonesty_template"),
        }
        return TemplateResponse(request, "admin/incentives/dishonesty_upload.html", context)

    def template_view(self, request):
        if not dishonesty_import_allowed(request.user):
            raise PermissionDenied
        return xlsx_response(dishonesty_template(), "失信名单导入模板.xlsx")


@admin.register(DishonestyEntry)
class DishonestyEntryAdmin(HistoryAdmin):
    list_display = ["name", "id_number_masked", "source", "case_number", "listed_on", "is_active"]
    list_filter = ["is_active", "source"]
    search_fields = ["name", "case_number"]
    protected_search_fields = {"id": ("id_number_hash",)}
    readonly_fields = [f.name for f in DishonestyEntry._meta.fields if f.name != "id"]
    exclude = ["id_number_hash"]
    actions = ["remove"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="将所选人员移出名单（如已履行完毕）", permissions=["change"])
    def remove(self, request, queryset):
        return reason_action_page(
            self,
            request,
            queryset,
            title="移出失信名单",
            action="remove",
            apply=lambda entry, reason: services.dishonesty_entry_remove(
                actor=request.user, entry=entry, reason=reason
            ),
        )
