"""The booking form of /bookings/new/ (step 2, after the SMS code was sent). It checks the
shape; `booking_submit` decides (dates, limits, who may take it, priority)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.form_errors import ResidentFormMixin
from registry.code_forms import CodeForm
from registry.models import ServiceCategory, Township

from .models import BookingKind, DayPart


class BookingForm(ResidentFormMixin, forms.Form):
    mobile = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = CodeForm.base_fields["code"]
    kind = forms.ChoiceField(
        label=_("您需要"), choices=BookingKind.choices, widget=forms.RadioSelect
    )
    category = forms.ModelChoiceField(
        label=_("服务项目"),
        queryset=ServiceCategory.objects.none(),
        required=False,
        empty_label=_("请选择（免费咨询可不选）"),
    )
    township = forms.ModelChoiceField(
        label=_("服务地点所在乡镇"), queryset=Township.objects.all(), empty_label=_("请选择")
    )
    preferred_date = forms.DateField(
        label=_("希望哪天服务"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("60天以内。格式：2026-12-08"),
    )
    preferred_part = forms.ChoiceField(
        label=_("希望时段"), choices=DayPart.choices, initial=DayPart.ANY, widget=forms.RadioSelect
    )
    contact_name = forms.CharField(
        label=_("怎么称呼您"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("如“王阿姨”“李先生”，接单的企业联系您时使用。"),
    )
    note = forms.CharField(
        label=_("需求说明（可不填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如房屋面积、老人情况、想咨询的问题。不要填写身份证号。"),
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(
        label=_("网址（请留空）"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ServiceCategory.objects.filter(is_active=True)
        self.fields["preferred_date"].widget.attrs["min"] = timezone.localdate().isoformat()

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_contact_name(self) -> str:
        return self.cleaned_data["contact_name"].strip()
