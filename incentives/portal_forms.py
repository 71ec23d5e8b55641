"""The portal's incentive forms: a redemption in two steps (the order and the resident,
then the resident's SMS code) and a support or training application. Shape only; the
services decide who gets what."""

from datetime import date
from decimal import Decimal

from cryptography.fernet import InvalidToken
from django import forms
from django.utils import timezone

from core import personal_data
from registry.models import Enterprise, ServiceCategory, Worker

from .services.redemptions import BACKDATE_DAYS, MAX_ORDER_AMOUNT


def current_workers(enterprise: Enterprise):
    return Worker.objects.currently_employed(enterprise).order_by("name", "pk")


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, worker) -> str:
        return worker.name


class RedemptionOrderForm(forms.Form):
    """Step 1: who the resident is and what the order was."""

    mobile = forms.CharField(
        label="居民手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "请填写居民的手机号码。"},
    )
    id_last4 = forms.CharField(
        label="居民身份证号后四位",
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={
            "required": "请填写居民身份证号的后四位。",
            "min_length": "请填写身份证号的后四位（4个字符）。",
            "max_length": "请填写身份证号的后四位（4个字符）。",
        },
    )
    category = forms.ModelChoiceField(
        label="服务项目",
        queryset=ServiceCategory.objects.filter(is_active=True),
        empty_label="请选择服务项目",
        error_messages={
            "required": "请选择服务项目。",
            "invalid_choice": "请从列表中选择服务项目。",
        },
    )
    order_amount = forms.DecimalField(
        label="订单金额（元）",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        error_messages={
            "required": "请填写订单金额。",
            "invalid": "订单金额请填写数字，如200或199.50。",
            "min_value": "订单金额应大于0元。",
            "max_decimal_places": "订单金额最多保留两位小数。",
            "max_digits": "订单金额过大。",
            "max_whole_digits": "订单金额过大。",
        },
    )
    served_on = forms.DateField(
        label="服务日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"],
        error_messages={
            "required": "请填写服务日期。",
            "invalid": "请填写正确的日期，例如2025-10-08。",
        },
    )
    worker = WorkerChoiceField(
        label="服务人员（可不选）",
        queryset=Worker.objects.none(),
        required=False,
        empty_label="不指定",
        error_messages={"invalid_choice": "请从本企业在职人员中选择服务人员。"},
    )

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = current_workers(enterprise)
        if not self.is_bound:
            self.initial.setdefault("served_on", timezone.localdate())

    def clean_id_last4(self):
        return self.cleaned_data["id_last4"].strip().upper()

    # The service checks the order again when it is recorded; checked here as well so that
    # no code is sent for an order that cannot be recorded.
    def clean_order_amount(self):
        amount = self.cleaned_data["order_amount"]
        if amount > MAX_ORDER_AMOUNT:
            raise forms.ValidationError(f"订单金额不能超过{MAX_ORDER_AMOUNT}元。")
        return amount

    def clean_served_on(self):
        day = self.cleaned_data["served_on"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError("服务日期不能晚于今天。")
        if (today - day).days > BACKDATE_DAYS:
            raise forms.ValidationError(f"只能登记{BACKDATE_DAYS}天内完成的服务。")
        return day

    def session_data(self) -> dict:
        data = self.cleaned_data
        return {
            # Sessions are stored in the database: the resident's number only encrypted.
            "mobile_encrypted": personal_data.encrypt(data["mobile"]),
            "id_last4": data["id_last4"],
            "category": data["category"].pk,
            "order_amount": str(data["order_amount"]),
            "served_on": data["served_on"].isoformat(),
            "worker": data["worker"].pk if data["worker"] else None,
        }


class RedemptionCodeForm(forms.Form):
    """Step 2: the code the resident received."""

    code = forms.RegexField(
        label="居民收到的短信验证码",
        regex=r"^\d{6}$",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": "请填写短信验证码。", "invalid": "验证码为6位数字。"},
    )


def order_from_session(data: dict, enterprise: Enterprise) -> dict | None:
    """The order kept between the two steps, its objects re-read (None when stale)."""
    category = ServiceCategory.objects.filter(pk=data.get("category")).first()
    worker = None
    if data.get("worker"):
        worker = current_workers(enterprise).filter(pk=data["worker"]).first()
        if worker is None:
            return None
    if category is None or not data.get("mobile_encrypted"):
        return None
    try:
        mobile = personal_data.decrypt(data["mobile_encrypted"])
    except InvalidToken:
        return None
    return {
        "mobile": mobile,
        "id_last4": data["id_last4"],
        "category": category,
        "order_amount": Decimal(data["order_amount"]),
        "served_on": date.fromisoformat(data["served_on"]),
        "worker": worker,
    }


class ApplicationForm(forms.Form):
    statement = forms.CharField(
        label="申报说明",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="简要说明企业情况、申报理由和已取得的成绩。",
        error_messages={"required": "请填写申报说明。"},
    )
    contact_person = forms.CharField(
        label="联系人", max_length=50, error_messages={"required": "请填写联系人。"}
    )
    contact_phone = forms.CharField(
        label="联系电话",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        error_messages={"required": "请填写联系电话。"},
    )
    trainees = forms.ModelMultipleChoiceField(
        label="参训人员",
        queryset=Worker.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "请从本企业在职人员中选择参训人员。"},
    )

    def __init__(self, *args, enterprise: Enterprise, training: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.training = training
        if training:
            self.fields["trainees"].queryset = current_workers(enterprise)
            self.fields["trainees"].label_from_instance = lambda worker: worker.name
        else:
            del self.fields["trainees"]

    def clean_statement(self):
        statement = self.cleaned_data["statement"].strip()
        if not statement:
            raise forms.ValidationError("请填写申报说明。")
        return statement

    def clean(self):
        data = super().clean()
        if self.training and "trainees" in data and not data["trainees"]:
            self.add_error("trainees", "请选择参训人员。")
        return data
