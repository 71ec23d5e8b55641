"""The two steps of every public sign-in by SMS code (registry.services.codes): the mobile
number, then the code sent to it. Shape only; the service checks the code."""

from django import forms

from core.form_errors import ResidentFormMixin


class MobileForm(ResidentFormMixin, forms.Form):
    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "tel", "placeholder": "11位手机号"}
        ),
    )


class CodeForm(ResidentFormMixin, forms.Form):
    mobile = forms.CharField(max_length=20, widget=forms.HiddenInput)
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
