"""Admin pages of the credit record import (导入信用记录).

Upload → dry-run preview (or the row errors) → confirm with the same file → back to the
信用记录 list. The file is not kept between preview and confirm (see
`credit.services.imports`): the confirm form asks for it again and carries the preview's
import id, so only the file that was previewed is written. Every rule lives in the service;
these views parse the request and render.

Mounted by `CreditEventAdmin.get_urls` through `import_urls(self)`; the button on the
信用记录 list is in admin/credit/creditevent/change_list.html.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from registry.admin_ledger import xlsx_response

from .models import CreditEvent
from .services.imports import (
    COLUMNS,
    PREVIEW_HEADERS,
    credit_events_import,
    credit_import_allowed,
    credit_import_filename,
    credit_import_template,
)


class CreditImportForm(forms.Form):
    file = forms.FileField(
        label="Excel文件",
        help_text="只接受Excel工作簿（.xlsx），请使用下载的模板填写。",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    # Set on the confirm form only: the preview this upload confirms.
    import_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class CreditImportPages:
    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.admin_site = model_admin.admin_site

    def _require(self, request) -> None:
        if not credit_import_allowed(request.user):
            raise PermissionDenied

    def upload(self, request):
        self._require(request)
        form = CreditImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            previewed = form.cleaned_data["import_id"]
            try:
                result = credit_events_import(
                    actor=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    dry_run=not previewed,
                    previewed_import_id=previewed,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                if result.written:
                    messages.success(request, result.message)
                    changelist = reverse("admin:credit_creditevent_changelist")
                    return redirect(f"{changelist}?source__exact={CreditEvent.Source.IMPORT}")
        confirm_form = None
        if result is not None and result.ok:
            confirm_form, form = CreditImportForm(initial={"import_id": result.import_id}), None
        elif result is not None:
            form = CreditImportForm()  # after row errors, the next upload is a new preview
        context = {
            **self.admin_site.each_context(request),
            "title": "导入信用记录",
            "opts": CreditEvent._meta,
            "form": form,
            "confirm_form": confirm_form,
            "result": result,
            "preview_headers": PREVIEW_HEADERS,
            "columns": COLUMNS,
            "template_url": reverse("admin:credit_creditevent_import_template"),
        }
        return TemplateResponse(request, "admin/credit/import_events.html", context)

    def template(self, request):
        self._require(request)
        return xlsx_response(credit_import_template(), credit_import_filename())


def import_urls(model_admin) -> list:
    """The import pages, to be listed before the ModelAdmin's own URLs (whose
    `<path:object_id>/` would otherwise take "import/")."""
    pages = CreditImportPages(model_admin)
    view = model_admin.admin_site.admin_view
    return [
        path("import/", view(pages.upload), name="credit_creditevent_import"),
        path(
            "import/template/",
            view(pages.template),
            name="credit_creditevent_import_template",
        ),
    ]
