from django import forms

from core.form_errors import ResidentFormMixin
from registry.models import Township


class CatalogueFilterForm(ResidentFormMixin, forms.Form):
    township = forms.ModelChoiceField(
        label="按乡镇查看参与企业",
        queryset=Township.objects.all(),
        required=False,
        empty_label="全部乡镇",
    )


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
