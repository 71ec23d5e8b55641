"""The public agreement forms: the look-up by number and mobile, and the confirmation code.
They check shape; the look-up and the confirmation are agreements' selectors and services."""

from django import forms
from django.core.exceptions import ValidationError

from core.form_errors import ResidentFormMixin
from core.validators import clean_mobile

from .selectors import agreement_number_problem, normalise_agreement_number


def clean_agreement_number(value: str) -> str:
    number = normalise_agreement_number(value)
    problem = agreement_number_problem(number)
    if problem:
        raise ValidationError(problem)
    return number


class VerifyForm(ResidentFormMixin, forms.Form):
    number = forms.CharField(
        label="约定编号",
        max_length=30,
        help_text="FW开头的16位编号，印在约定右上角，也在短信中。",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    mobile = forms.CharField(
        label="您的手机号码",
        max_length=20,
        help_text="约定上登记的客户手机号码。",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )

    def clean_number(self) -> str:
        return clean_agreement_number(self.cleaned_data["number"])

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])


class ConfirmCodeForm(ResidentFormMixin, forms.Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "placeholder": "6位数字",
            }
        ),
    )
