"""The admin import page every importer shares: upload → preview or the row errors →
confirm → result (or, for an import that runs as a job, its progress page).

A page names its form, its template, its permission check and its import template, and
says what one submitted form does (`submit`); the base parses the request, turns a refused
file into form errors and renders. Every rule stays in the importer's service.
`PreviewThenConfirmPage` adds the flow of the importers that keep no file between preview
and confirm: the confirm form asks for the file again and carries the preview's import id,
so only the file that was previewed is written.
"""

from abc import ABC, abstractmethod

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_file_field(help_text: str, *, accept: bool = True) -> forms.FileField:
    attrs = {"accept": f".xlsx,{XLSX_TYPE}"} if accept else {}
    return forms.FileField(
        label="Excel文件", help_text=help_text, widget=forms.ClearableFileInput(attrs=attrs)
    )


class SpreadsheetImportPage(ABC):
    """Upload and template download of one importer, mounted by its ModelAdmin."""

    title = ""
    template_name = ""
    form_class: type[forms.Form] = forms.Form

    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.admin_site = model_admin.admin_site
        self.opts = model_admin.model._meta

    # What an importer says ---------------------------------------------------------------

    @abstractmethod
    def allowed(self, user) -> bool:
        """Whether `user` may import (and download the template)."""

    @abstractmethod
    def template_file(self, request, **kwargs) -> tuple[bytes, str]:
        """The import template's bytes and file name (`kwargs`: the URL's arguments)."""

    @abstractmethod
    def submit(self, request, form):
        """Run the import on a valid form: an HttpResponse, or a result to show. Raises
        ValidationError when the file itself cannot be imported."""

    def get_form(self, request) -> forms.Form:
        return self.form_class(request.POST or None, request.FILES or None)

    def page_context(self, request, form, result) -> dict:
        return {"form": form, "result": result}

    # The views ----------------------------------------------------------------------------

    def require(self, request) -> None:
        if not self.allowed(request.user):
            raise PermissionDenied

    def upload_view(self, request):
        self.require(request)
        form = self.get_form(request)
        result = None
        if request.method == "POST" and form.is_valid():
            try:
                result = self.submit(request, form)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            if isinstance(result, HttpResponse):
                return result
        context = {
            **self.admin_site.each_context(request),
            "title": self.title,
            "opts": self.opts,
            **self.page_context(request, form, result),
        }
        return TemplateResponse(request, self.template_name, context)

    def template_view(self, request, **kwargs):
        self.require(request)
        return xlsx_response(*self.template_file(request, **kwargs))


class PreviewThenConfirmPage(SpreadsheetImportPage):
    """A dry run first; the same file again, with the preview's import id, to write.

    The form has a hidden `import_id` field. `run` calls the importer's service, which
    returns a result with `ok`, `written`, `message` and `import_id`."""

    @abstractmethod
    def run(self, request, form, *, dry_run: bool, previewed_import_id: str):
        """Call the importer's service (a dry run, or the write of the previewed file)."""

    @abstractmethod
    def done_url(self) -> str:
        """Where to go once the file is written."""

    def submit(self, request, form):
        previewed = form.cleaned_data["import_id"]
        result = self.run(request, form, dry_run=not previewed, previewed_import_id=previewed)
        if result.written:
            messages.success(request, result.message)
            return redirect(self.done_url())
        return result
