"""Admin pages of the ledger import/export (台账导入导出).

Upload → preview (or the row errors) → confirm → progress → result, one page per import
that follows its status; template downloads; whole-register exports; and an "export the
selected rows" action on the registers' own lists. Every rule lives in
`registry.services.ledger`; these views only parse the request and render.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.spreadsheets.admin import SpreadsheetImportPage, xlsx_file_field, xlsx_response
from core.spreadsheets.errors import error_text

from .models import LedgerImport
from .resources import RESOURCES
from .services.ledger import (
    SENSITIVE_KINDS,
    SENSITIVE_PERMISSION,
    LedgerImportStateError,
    ledger_export,
    ledger_export_allowed,
    ledger_filename,
    ledger_import_allowed,
    ledger_import_confirm,
    ledger_import_submit,
    ledger_template,
)
from .services.ledger.columns import LEDGER_COLUMNS

Kind = LedgerImport.Kind
Status = LedgerImport.Status
RUNNING = {Status.PENDING, Status.VALIDATING, Status.IMPORTING}
STATUS_COLOURS = {
    Status.DONE: "#1e6b34",
    Status.PREVIEWED: "#1e4f8a",
    Status.INVALID: "#a61b1b",
    Status.FAILED: "#a61b1b",
}


class LedgerUploadForm(forms.Form):
    kind = forms.ChoiceField(label="台账类型")
    file = xlsx_file_field("只接受Excel工作簿（.xlsx），请使用下方下载的模板填写。")

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, Kind(kind).label) for kind in kinds]


class LedgerUploadPage(SpreadsheetImportPage):
    """Upload → the import's own page (preview or errors → confirm → progress → result)."""

    title = "上传台账"
    template_name = "admin/registry/ledger/upload.html"

    def allowed(self, user) -> bool:
        return bool(self.model_admin.importable_kinds(user))

    def get_form(self, request):
        kinds = self.model_admin.importable_kinds(request.user)
        return LedgerUploadForm(request.POST or None, request.FILES or None, kinds=kinds)

    def submit(self, request, form):
        ledger_import = ledger_import_submit(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            uploaded_file=form.cleaned_data["file"],
        )
        return redirect("admin:registry_ledgerimport_change", ledger_import.pk)

    def page_context(self, request, form, result) -> dict:
        kinds = self.model_admin.importable_kinds(request.user)
        return {
            **self.model_admin.links(request),
            "form": form,
            "columns": {Kind(kind).label: LEDGER_COLUMNS[kind] for kind in kinds},
        }

    def template_file(self, request, kind: str = ""):
        if kind not in RESOURCES:
            raise Http404
        if not ledger_import_allowed(request.user, kind):
            raise PermissionDenied
        return ledger_template(kind=kind), ledger_filename(kind, "导入模板")


@admin.register(LedgerImport)
class LedgerImportAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "original_name",
        "status_display",
        "progress_display",
        "created_count",
        "updated_count",
        "uploaded_by",
        "created_at",
    ]
    list_display_links = ["id", "original_name"]
    list_filter = ["kind", "status"]
    list_select_related = ["uploaded_by"]
    search_fields = ["original_name", "uploaded_by__username"]
    show_full_result_count = False
    change_list_template = "admin/registry/ledger/change_list.html"

    # The rows are the audit trail of every import: nobody edits or deletes them.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return bool(self.importable_kinds(request.user))

    def importable_kinds(self, user) -> list[str]:
        return [kind for kind in RESOURCES if ledger_import_allowed(user, kind)]

    def exportable_kinds(self, user) -> list[str]:
        return [kind for kind in RESOURCES if ledger_export_allowed(user, kind)]

    @admin.display(description="状态", ordering="status")
    def status_display(self, obj):
        return format_html(
            '<strong style="color:{}">{}</strong>',
            STATUS_COLOURS.get(obj.status, "#555"),
            obj.get_status_display(),
        )

    @admin.display(description="进度")
    def progress_display(self, obj):
        if obj.status in RUNNING:
            return f"{obj.progress_percent}%"
        if obj.status == Status.FAILED:
            return "已回滚，未写入"
        if obj.status == Status.INVALID:
            return "未导入"
        return f"{obj.total_rows}行"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/confirm/", view(self.confirm_view), name="registry_ledgerimport_confirm"
            ),
            path(
                "template/<str:kind>/",
                view(LedgerUploadPage(self).template_view),
                name="registry_ledger_template",
            ),
            path("export/<str:kind>/", view(self.export_view), name="registry_ledger_export"),
            *super().get_urls(),
        ]

    def links(self, request) -> dict:
        return {
            "template_links": [
                (Kind(kind).label, reverse("admin:registry_ledger_template", args=[kind]))
                for kind in self.importable_kinds(request.user)
            ],
            "export_links": [
                (Kind(kind).label, reverse("admin:registry_ledger_export", args=[kind]))
                for kind in self.exportable_kinds(request.user)
            ],
        }

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**self.links(request), **(extra_context or {})})

    def add_view(self, request, form_url="", extra_context=None):
        return LedgerUploadPage(self).upload_view(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ledger_import = get_object_or_404(
            LedgerImport.objects.select_related("uploaded_by"), pk=object_id
        )
        if not self.has_view_permission(request, ledger_import):
            raise PermissionDenied
        if ledger_import.kind in SENSITIVE_KINDS and not request.user.has_perm(
            SENSITIVE_PERMISSION
        ):
            raise PermissionDenied  # its preview shows health or background records
        running = ledger_import.status in RUNNING
        can_confirm = (
            ledger_import.status in (Status.PREVIEWED, Status.FAILED)
            and ledger_import.uploaded_by_id == request.user.pk
            and ledger_import_allowed(request.user, ledger_import.kind)
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"台账导入 #{ledger_import.pk}：{ledger_import.get_kind_display()}",
            "opts": self.model._meta,
            "ledger_import": ledger_import,
            "running": running,
            "refresh_seconds": 2,
            "can_confirm": can_confirm,
            "headers": [column.header for column in LEDGER_COLUMNS[ledger_import.kind]],
            "errors": [
                {**error, "text": error_text(error)} for error in ledger_import.errors or []
            ],
            "upload_url": reverse("admin:registry_ledgerimport_add"),
        }
        return TemplateResponse(request, "admin/registry/ledger/detail.html", context)

    def confirm_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        ledger_import = get_object_or_404(LedgerImport, pk=pk)
        try:
            ledger_import_confirm(actor=request.user, ledger_import=ledger_import)
        except LedgerImportStateError as error:
            messages.error(request, str(error))
        else:
            if ledger_import.status == Status.DONE:
                messages.success(request, ledger_import.message)
            elif ledger_import.status == Status.IMPORTING:
                messages.info(request, "已开始导入，本页会自动刷新显示进度。")
        return redirect("admin:registry_ledgerimport_change", pk)

    def export_view(self, request, kind: str):
        if kind not in RESOURCES:
            raise Http404
        if not ledger_export_allowed(request.user, kind):
            raise PermissionDenied
        return xlsx_response(ledger_export(kind=kind), ledger_filename(kind, "导出"))


def ledger_export_action(kind: str):
    """An admin action that exports the selected rows of a register, masked like the
    whole-register export."""

    def export_selected(modeladmin, request, queryset):
        if not ledger_export_allowed(request.user, kind):
            raise PermissionDenied
        return xlsx_response(
            ledger_export(kind=kind, queryset=queryset), ledger_filename(kind, "导出")
        )

    export_selected.__name__ = f"export_{kind}_ledger"
    return admin.action(description="导出所选记录（Excel）", permissions=["view"])(export_selected)


def _attach_export_actions() -> None:
    """Offer the export action on the list of every register that has a ledger."""
    for kind, resource in RESOURCES.items():
        try:
            model_admin = admin.site.get_model_admin(resource._meta.model)
        except NotRegistered:
            continue
        model_admin.actions = [*(model_admin.actions or ()), ledger_export_action(kind)]


_attach_export_actions()
