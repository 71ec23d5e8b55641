"""Admin pages of the credit record import (导入信用记录).

Upload → dry-run preview (or the row errors) → confirm with the same file → back to the
信用记录 list, on the shared import page (`core.spreadsheets.admin`). The file is not kept
between preview and confirm (see `credit.services.imports`): the confirm form asks for it
again and carries the preview's import id, so only the file that was previewed is written.
Every rule lives in the service; these views parse the request and render.

Mounted by `CreditEventAdmin.get_urls` through `import_urls(self)`; the button on the
信用记录 list is in admin/credit/creditevent/change_list.html.
"""

from django import forms
from django.urls import path, reverse

from core.spreadsheets.admin import PreviewThenConfirmPage, xlsx_file_field

from .models import CreditEvent
from .services.import_columns import (
    COLUMNS,
    PREVIEW_HEADERS,
    credit_import_filename,
    credit_import_template,
)
from .services.imports import credit_events_import, credit_import_allowed


class CreditImportForm(forms.Form):
    file = xlsx_file_field("只接受Excel工作簿（.xlsx），请使用下载的模板填写。")
    # Set on the confirm form only: the preview this upload confirms.
    import_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class CreditImportPage(PreviewThenConfirmPage):
    title = "导入信用记录"
    template_name = "admin/credit/import_events.html"
    form_class = CreditImportForm

    def allowed(self, user) -> bool:
        return credit_import_allowed(user)

    def template_file(self, request, **kwargs):
        return credit_import_template(), credit_import_filename()

    def run(self, request, form, *, dry_run, previewed_import_id):
        return credit_events_import(
            actor=request.user,
            uploaded_file=form.cleaned_data["file"],
            dry_run=dry_run,
            previewed_import_id=previewed_import_id,
        )

    def done_url(self) -> str:
        changelist = reverse("admin:credit_creditevent_changelist")
        return f"{changelist}?source__exact={CreditEvent.Source.IMPORT}"

    def page_context(self, request, form, result) -> dict:
        confirm_form = None
        if result is not None and result.ok:
            confirm_form, form = CreditImportForm(initial={"import_id": result.import_id}), None
        elif result is not None:
            form = CreditImportForm()  # after row errors, the next upload is a new preview
        return {
            "form": form,
            "confirm_form": confirm_form,
            "result": result,
            "preview_headers": PREVIEW_HEADERS,
            "columns": COLUMNS,
            "template_url": reverse("admin:credit_creditevent_import_template"),
        }


def import_urls(model_admin) -> list:
    """The import pages, to be listed before the ModelAdmin's own URLs (whose
    `<path:object_id>/` would otherwise take "import/")."""
    page = CreditImportPage(model_admin)
    view = model_admin.admin_site.admin_view
    return [
        path("import/", view(page.upload_view), name="credit_creditevent_import"),
        path(
            "import/template/",
            view(page.template_view),
            name="credit_creditevent_import_template",
        ),
    ]
