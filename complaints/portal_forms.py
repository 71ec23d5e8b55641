"""The portal's complaint form: the enterprise's answer. Shape only; the service decides."""

from django import forms

from .forms import AttachmentsField
from .services.intake import MAX_ATTACHMENTS


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="答复内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "请写明核实的情况、与投诉人沟通的结果和处理措施。答复提交后会直接显示在投诉人的"
            "投诉进度查询页面上，工作人员也会看到；请不要填写他人的身份证号、住址等个人信息。"
        ),
        error_messages={"required": "请填写答复内容。"},
    )
    attachments = AttachmentsField(
        label="证明材料（可不传）",
        help_text=(
            f"最多{MAX_ATTACHMENTS}个，支持JPG、PNG、PDF，每个不超过10MB。"
            "证明材料只给工作人员核查，不向投诉人公开。"
        ),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("请填写答复内容。")
        return text
