"""The portal's complaint form: the enterprise's answer. Shape only; the service decides."""

from django import forms

from .forms import AttachmentsField
from .services.intake import MAX_ATTACHMENTS


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="答复内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请写明核实的情况、与投诉人沟通的结果和处理措施。答复内容将告知投诉人。",
        error_messages={"required": "请填写答复内容。"},
    )
    attachments = AttachmentsField(
        label="证明材料（可不传）",
        help_text=f"最多{MAX_ATTACHMENTS}个，支持JPG、PNG、PDF，每个不超过10MB。",
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("请填写答复内容。")
        return text
