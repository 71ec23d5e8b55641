"""Admin page of the dishonesty list import (导入失信名单).

Upload → dry-run preview (or the row errors) → confirm with the same file → back to the
list of imports, on the shared import page (`core.spreadsheets.admin`). Every rule lives in
`incentives.services.dishonesty`; this page parses the request and renders.
"""

from django import forms
from django.urls import reverse
from django.utils import timezone

from core.spreadsheets.admin import PreviewThenConfirmPage, xlsx_file_field

from . import services
from .services.dishonesty import dishonesty_import_allowed, dishonesty_template


class DishonestyUploadForm(forms.Form):
    source = forms.CharField(
        label="名单来源", max_length=100, initial="舟曲县人民法院失信被执行人名单"
    )
    list_date = forms.DateField(
        label="名单日期", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    file = xlsx_file_field("只接受Excel工作簿（.xlsx）。", accept=False)
    import_id = forms.CharField(required=False, widget=forms.HiddenInput)


class DishonestyImportPage(PreviewThenConfirmPage):
    title = "导入失信名单"
    template_name = "admin/incentives/dishonesty_upload.html"
    form_class = DishonestyUploadForm

    def allowed(self, user) -> bool:
        return dishonesty_import_allowed(user)

    def template_file(self, request, **kwargs):
        return dishonesty_template(), "失信名单导入模板.xlsx"

    def run(self, request, form, *, dry_run, previewed_import_id):
        return services.dishonesty_list_import(
            actor=request.user,
            uploaded_file=form.cleaned_data["file"],
            source=form.cleaned_data["source"],
            list_date=form.cleaned_data["list_date"],
            dry_run=dry_run,
            previewed_import_id=previewed_import_id,
        )

    def done_url(self) -> str:
        return reverse("admin:incentives_dishonestylistimport_changelist")

    def page_context(self, request, form, result) -> dict:
        if result is not None and result.ok:
            form = DishonestyUploadForm(
                initial={**form.cleaned_data, "import_id": result.import_id}
            )
        return {
            "form": form,
            "result": result,
            "preview_headers": ["姓名", "身份证号", "案号", "执行法院", "列入日期"],
            "template_url": reverse("admin:incentives_dishonesty_template"),
        }
