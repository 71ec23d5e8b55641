"""The two steps of every public form that confirms a mobile with an SMS code
(registry.services.codes): the mobile number, then the code with the number carried along,
and what the page says after sending."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.form_errors import ResidentFormMixin
from core.personal_data import phone_mask

CODE_NOT_SENT = _("短信暂时没有发出去，请过一两分钟再点“获取短信验证码”重试。")


def code_sent_message(mobile: str) -> str:
    return gettext("验证码已发送到%(phone)s，10分钟内有效，请注意查收短信。") % {
        "phone": phone_mask(mobile)
    }


class MobileForm(ResidentFormMixin, forms.Form):
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "tel", "placeholder": _("11位手机号")}
        ),
    )


class CodeForm(ResidentFormMixin, forms.Form):
    mobile = forms.CharField(max_length=20, widget=forms.HiddenInput)
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
