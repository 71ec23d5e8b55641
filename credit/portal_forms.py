"""The portal's credit forms: an objection to a publicised rating and a credit-repair
request. Shape only (and the evidence file's content); the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.files import validate_upload

EVIDENCE_HELP = _("可不传。支持JPG、PNG、PDF，不超过10MB，按文件内容判断格式。")


class _EvidenceForm(forms.Form):
    evidence = forms.FileField(
        label=_("证明材料"),
        required=False,
        validators=[validate_upload],
        help_text=EVIDENCE_HELP,
        error_messages={"invalid": _("请选择要上传的文件。"), "empty": _("上传的文件是空的。")},
    )

    def clean_reasons(self):
        reasons = self.cleaned_data["reasons"].strip()
        if not reasons:
            raise forms.ValidationError(self.fields["reasons"].error_messages["required"])
        return reasons


class ObjectionForm(_EvidenceForm):
    reasons = forms.CharField(
        label=_("异议理由"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明认为哪项指标、哪条记录有误，以及事实和依据。"),
        error_messages={"required": _("请填写异议理由。")},
    )
    field_order = ["reasons", "evidence"]


class RepairForm(_EvidenceForm):
    reasons = forms.CharField(
        label=_("整改情况及理由"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明已经完成的整改、赔偿或纠正措施，以及完成时间。"),
        error_messages={"required": _("请填写整改情况及理由。")},
    )
    field_order = ["reasons", "evidence"]


class PledgeSignForm(forms.Form):
    """Signing the credit pledge: the version read, the signer's name and the tick."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    signer_name = forms.CharField(
        label=_("签署人姓名"),
        max_length=50,
        help_text=_("请填写企业负责人或经其授权的签署人的姓名。"),
        error_messages={"required": _("请填写签署人姓名。")},
    )
    agreed = forms.BooleanField(
        label=_("我已阅读并承诺"),
        error_messages={"required": _("请勾选“我已阅读并承诺”。")},
    )


class RectificationReportForm(_EvidenceForm):
    report = forms.CharField(
        label=_("整改报告"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请逐项写明针对整改要求采取的措施、完成情况和完成时间。"),
        error_messages={"required": _("请填写整改报告。")},
    )
    field_order = ["report", "evidence"]

    def clean_report(self):
        report = self.cleaned_data["report"].strip()
        if not report:
            raise forms.ValidationError(self.fields["report"].error_messages["required"])
        return report
