"""The public agreement forms: the look-up by number and mobile, and the confirmation code.
They check shape; the look-up and the confirmation are agreements' selectors and services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.form_errors import ResidentFormMixin
from core.validators import clean_mobile

from .selectors import (
    CASE_MISMATCH,
    agreement_by_number_and_mobile,
    agreement_number_problem,
    normalise_agreement_number,
)


def clean_agreement_number(value: str) -> str:
    number = normalise_agreement_number(value)
    problem = agreement_number_problem(number)
    if problem:
        raise ValidationError(problem)
    return number


class VerifyForm(ResidentFormMixin, forms.Form):
    number = forms.CharField(
        label=_("约定编号"),
        max_length=30,
        help_text=_("FW开头的16位编号，印在约定右上角，也在短信中。"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    mobile = forms.CharField(
        label=_("您的手机号码"),
        max_length=20,
        help_text=_("约定上登记的客户手机号码。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )

    def clean_number(self) -> str:
        return clean_agreement_number(self.cleaned_data["number"])

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])


class ConfirmCodeForm(ResidentFormMixin, forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "placeholder": _("6位数字"),
            }
        ),
    )


class AgreementNumberField(forms.CharField):
    """The optional agreement number of the complaint and review forms; the form looks the
    agreement up with the mobile it already asks for (`tie_agreement`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("服务约定编号（可不填）"))
        kwargs.setdefault(
            "help_text",
            _(
                "企业出具的标准化服务约定上FW开头的16位编号。填写后，企业、服务人员和服务项目"
                "按约定自动对应；请同时填写约定上登记的手机号码。"
            ),
        )
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return clean_agreement_number(value) if value.strip() else ""


def tie_agreement(form: forms.Form, *, number_field: str, mobile: str | None):
    """The agreement a complaint or review form names, found by its number and the form's
    mobile; a pair that does not match puts the refusal on the number's field (nothing the
    resident typed is lost) and answers None."""
    number = form.cleaned_data.get(number_field)
    if not number or not mobile:
        return None
    agreement = agreement_by_number_and_mobile(number, mobile)
    if agreement is None:
        form.add_error(number_field, CASE_MISMATCH)
    return agreement
