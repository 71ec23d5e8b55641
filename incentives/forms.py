from django import forms
from django.utils.translation import gettext_lazy as _

from core.files import validate_upload
from core.form_errors import ResidentFormMixin
from core.validators import clean_id_number
from registry.code_forms import CodeForm, MobileForm
from registry.models import Township

from .models import SpecialGroup
from .services.online import online_groups

__all__ = ["CatalogueFilterForm", "CodeForm", "MobileForm", "ResidentRegisterForm"]


class CatalogueFilterForm(ResidentFormMixin, forms.Form):
    township = forms.ModelChoiceField(
        label=_("按乡镇查看参与企业"),
        queryset=Township.objects.all(),
        required=False,
        empty_label=_("全部乡镇"),
    )


class ResidentRegisterForm(ResidentFormMixin, forms.Form):
    """Step 2 of the online registration: the code and who registers. The form checks the
    shape (a valid ID number, a proof for a group); `resident_register_online` decides."""

    mobile = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = CodeForm.base_fields["code"]
    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        min_length=2,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("与身份证上的姓名一致。"),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("18位，最后一位可能是X。加密保存，只有工作人员核实时使用。"),
    )
    township = forms.ModelChoiceField(
        label=_("居住乡镇"), queryset=Township.objects.all(), empty_label=_("请选择")
    )
    group = forms.ModelChoiceField(
        label=_("申请特殊群体认定（可不选）"),
        queryset=SpecialGroup.objects.none(),
        required=False,
        empty_label=_("不申请"),
        help_text=_("80岁以上老人按身份证自动认定，不用申请。"),
    )
    proof_number = forms.CharField(
        label=_("证件编号（可不填）"),
        max_length=60,
        required=False,
        help_text=_("如残疾人证号、低保证号、优待证号。"),
    )
    proof = forms.FileField(
        label=_("证件照片"),
        required=False,
        validators=[validate_upload],
        help_text=_("申请特殊群体认定时必传：用手机拍下证件，JPG、PNG或PDF，不超过10MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意上述个人信息告知"),
        error_messages={"required": _("请阅读个人信息告知并勾选同意，否则无法登记。")},
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(
        label=_("网址（请留空）"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = online_groups()

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"]).number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("group") and not cleaned.get("proof") and not self.has_error("proof"):
            self.add_error("proof", _("申请特殊群体认定，请上传证件照片。"))
        return cleaned
