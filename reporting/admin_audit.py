"""The admin page that exports the audit trail of a period (reporting.audit_export), for
superusers and holders of `reporting.export_audit` (auditors, the system administrators)."""

import tempfile
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from core.spreadsheets import CSV_TYPE
from core.spreadsheets.admin import XLSX_TYPE

from .audit_export import audit_rows, csv_lines, write_xlsx

EXPORT_PERMISSION = "reporting.export_audit"
# The page builds the file within the request, which gunicorn gives 60 s (about 6,000 rows a
# second go into a workbook on a shared two-core machine); longer periods go through
# `manage.py export_audit`.
MAX_DAYS = 92


class AuditExportForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(
        label="文件格式", choices=[("xlsx", "Excel（.xlsx）"), ("csv", "CSV（.csv）")]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError("结束日期不能早于开始日期。")
        if start and end and (end - start).days >= MAX_DAYS:
            raise ValidationError(
                f"一次最多导出{MAX_DAYS}天的记录；更长的期间请分段导出，"
                "或由系统管理员使用 export_audit 命令导出。"
            )
        return data


def _csv_chunks(start, end):
    yield "\ufeff"  # Excel reads a UTF-8 CSV as UTF-8 only with a byte-order mark
    yield from csv_lines(audit_rows(start, end))


def audit_export_view(request, site_context: dict):
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm(EXPORT_PERMISSION)):
        raise PermissionDenied
    today = timezone.localdate()
    form = AuditExportForm(
        request.POST or None,
        initial={"start": today - timedelta(days=30), "end": today, "format": "xlsx"},
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        name = f"审计记录-{start:%Y%m%d}-{end:%Y%m%d}"
        if form.cleaned_data["format"] == "csv":
            response = StreamingHttpResponse(_csv_chunks(start, end), content_type=CSV_TYPE)
            response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
        else:
            spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response)
            write_xlsx(audit_rows(start, end), spool)
            spool.seek(0)
            response = FileResponse(spool, as_attachment=True, filename=f"{name}.xlsx")
            response["Content-Type"] = XLSX_TYPE
        response["Cache-Control"] = "private, no-store"
        return response
    context = {
        **site_context,
        "title": "导出审计记录",
        "form": form,
    }
    return TemplateResponse(request, "admin/reporting/audit_export.html", context)
