"""The form an officer fills in for a case received by phone, in person, by letter or
transferred from the 12345/12315 lines. It asks what the public forms ask (the worker, the
service item, the charge, the agreement number, attachments with the same file checks, and
the 举报 categories for a 举报); `complaint_submit` (the same intake service as the public
forms) enforces the rules and gives the case its tracking number, deadlines and
acknowledgement SMS."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from agreements.forms import AgreementNumberField, tie_agreement
from core.validators import clean_mobile
from registry.models import Enterprise, ServiceCategory, Township, Worker

from .forms import AmountField, AttachmentsField
from .models import CaseType, Category, Channel, ReportCategory
from .services.intake import case_category_problems
from .services.pricing import charge_problems

TEXTAREA = forms.Textarea(attrs={"rows": 4, "cols": 60})
STAFF_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.WEB]
BLANK = [("", "---------")]


class StaffComplaintForm(forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.ChoiceField(label="受理渠道", choices=STAFF_CHANNELS)
    case_type = forms.ChoiceField(
        label="案件类型", choices=CaseType.choices, initial=CaseType.COMPLAINT
    )
    complainant_name = forms.CharField(label="投诉人/举报人姓名", max_length=50)
    phone = forms.CharField(
        label="手机号码", max_length=20, help_text="用于发送编号和办理进度短信。"
    )
    township = forms.ModelChoiceField(label="所在乡镇", queryset=Township.objects.none())
    agreement_number = AgreementNumberField(
        help_text="FW开头的服务约定编号；填写后企业、服务人员和服务项目按约定对应。"
    )
    enterprise = forms.ModelChoiceField(
        label="被投诉/举报企业", queryset=Enterprise.objects.none(), required=False
    )
    enterprise_text = forms.CharField(
        label="企业名称（未登记的填写）", max_length=100, required=False
    )
    subject_address = forms.CharField(
        label="经营地点（举报未登记经营者时填写）", max_length=200, required=False
    )
    worker = forms.ModelChoiceField(
        label="涉及的从业人员", queryset=Worker.objects.none(), required=False
    )
    reported_card = forms.CharField(
        label="服务证编号或核验码（举报假冒服务证时填写）", max_length=100, required=False
    )
    service_date = forms.DateField(label="服务日期（举报填发现日期）", help_text="格式：2025-03-01")
    service_category = forms.ModelChoiceField(
        label="服务项目", queryset=ServiceCategory.objects.none(), required=False
    )
    category = forms.ChoiceField(label="投诉类别", choices=BLANK + Category.choices, required=False)
    report_category = forms.ChoiceField(
        label="举报类别", choices=BLANK + ReportCategory.choices, required=False
    )
    charged_amount = AmountField(
        label="实际收费（元，乱收费时填写）", max_digits=9, decimal_places=2
    )
    charged_quantity = AmountField(
        label="服务数量（按计价单位，不填按1计）", max_digits=7, decimal_places=2
    )
    description = forms.CharField(label="事由", widget=TEXTAREA)
    desired_outcome = forms.CharField(label="诉求", widget=TEXTAREA)
    attachments = AttachmentsField(label="材料（照片、信件扫描件等）")

    def __init__(self, data=None, files=None, **kwargs):
        kwargs.setdefault("initial", {"submission_token": uuid.uuid4().hex})
        super().__init__(data, files, **kwargs)
        self.fields["township"].queryset = Township.objects.order_by("sort_order", "name")
        self.fields["enterprise"].queryset = Enterprise.objects.order_by("name")
        self.fields["worker"].queryset = Worker.objects.order_by("name")
        self.fields["service_category"].queryset = ServiceCategory.objects.order_by("pk")

    def clean_phone(self):
        return clean_mobile(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        for name, problem in case_category_problems(
            data.get("case_type", ""), data.get("category", ""), data.get("report_category", "")
        ).items():
            self.add_error(name if name in self.fields else None, problem)
        data["service_agreement"] = None
        if data.get("agreement_number"):
            data["service_agreement"] = tie_agreement(
                self, number_field="agreement_number", mobile=data.get("phone")
            )
        elif not data.get("enterprise") and not (data.get("enterprise_text") or "").strip():
            raise ValidationError("请选择被投诉的企业，或填写企业名称。")
        if {"charged_amount", "charged_quantity", "service_category"} <= data.keys():
            for name, problem in charge_problems(
                charged_amount=data["charged_amount"],
                charged_quantity=data["charged_quantity"],
                service_category=data["service_category"],
            ).items():
                self.add_error(name, problem)
        return data
