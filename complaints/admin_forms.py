"""The form an officer fills in for a case received by phone, in person, by letter or
transferred from the 12345/12315 lines. It checks shape; `complaint_submit` (the same intake
service as the public form) enforces the rules and gives the case its tracking number,
deadlines and acknowledgement SMS."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from core.validators import clean_mobile
from registry.models import Enterprise, Township

from .models import CaseType, Category, Channel

TEXTAREA = forms.Textarea(attrs={"rows": 4, "cols": 60})
STAFF_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.WEB]


class StaffComplaintForm(forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.ChoiceField(label="受理渠道", choices=STAFF_CHANNELS)
    case_type = forms.ChoiceField(
        label="案件类型", choices=CaseType.choices, initial=CaseType.COMPLAINT
    )
    complainant_name = forms.CharField(label="投诉人姓名", max_length=50)
    phone = forms.CharField(
        label="投诉人手机号码", max_length=20, help_text="用于发送投诉编号和办理进度短信。"
    )
    township = forms.ModelChoiceField(label="所在乡镇", queryset=Township.objects.none())
    enterprise = forms.ModelChoiceField(
        label="被投诉企业", queryset=Enterprise.objects.none(), required=False
    )
    enterprise_text = forms.CharField(
        label="被投诉企业（未登记的填写名称）", max_length=100, required=False
    )
    service_date = forms.DateField(label="服务日期", help_text="格式：2025-03-01")
    category = forms.ChoiceField(label="投诉类别", choices=Category.choices)
    description = forms.CharField(label="投诉事由", widget=TEXTAREA)
    desired_outcome = forms.CharField(label="诉求", widget=TEXTAREA)

    def __init__(self, data=None, files=None, **kwargs):
        kwargs.setdefault("initial", {"submission_token": uuid.uuid4().hex})
        super().__init__(data, files, **kwargs)
        self.fields["township"].queryset = Township.objects.order_by("sort_order", "name")
        self.fields["enterprise"].queryset = Enterprise.objects.order_by("name")

    def clean_phone(self):
        return clean_mobile(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not (data.get("enterprise_text") or "").strip():
            raise ValidationError("请选择被投诉的企业，或填写企业名称。")
        return data
