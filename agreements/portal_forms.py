"""Forms of the portal's agreement pages. They check the shape of the input; the rules
(published prices, reasons, workers, dates) live in agreements.services."""

from django import forms

from core.validators import clean_mobile
from registry.models import ServiceCategory, Township, Worker

from . import selectors

ITEM_ROWS = 3


class AgreementForm(forms.Form):
    customer_name = forms.CharField(label="客户姓名", max_length=50)
    customer_mobile = forms.CharField(
        label="客户手机号码",
        max_length=20,
        help_text="客户将收到约定编号和确认验证码；公开页面上只显示为138****0000。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    township = forms.ModelChoiceField(
        label="服务地点所在乡镇", queryset=Township.objects.all(), empty_label="请选择乡镇"
    )
    service_address = forms.CharField(label="服务地址", max_length=200)
    starts_on = forms.DateField(
        label="服务开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label="服务结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    worker = forms.ModelChoiceField(
        label="服务人员",
        queryset=Worker.objects.none(),
        required=False,
        empty_label="暂不指定",
        help_text="只能选择本企业在职人员。",
    )
    note = forms.CharField(
        label="其他约定",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如保险名称、上门时段、自带工具等。",
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = selectors.agreement_workers(enterprise)

    def clean_customer_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["customer_mobile"])


class OfferingChoiceField(forms.ModelChoiceField):
    """A service item of the enterprise's list, labelled with its published price."""

    prices: dict = {}

    def label_from_instance(self, obj: ServiceCategory) -> str:
        return f"{obj.name}（公示价{self.prices.get(obj.pk)}{obj.get_unit_display()}）"


class ItemForm(forms.Form):
    category = OfferingChoiceField(
        label="服务项目",
        queryset=ServiceCategory.objects.none(),
        required=False,
        empty_label="（不填）",
    )
    quantity = forms.DecimalField(
        label="数量", max_digits=7, decimal_places=2, min_value=0.01, required=False
    )
    unit_price = forms.DecimalField(
        label="约定单价（元）",
        max_digits=9,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="留空即按公示价。",
    )
    reason = forms.CharField(
        label="高于公示价的理由",
        max_length=200,
        required=False,
        help_text="单价高于公示价时必填。",
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        offerings = selectors.published_offerings(enterprise)
        categories = ServiceCategory.objects.filter(pk__in=[o.category_id for o in offerings])
        prices = {o.category_id: o.price for o in offerings}
        field = self.fields["category"]
        field.queryset = categories.order_by("sort_order", "name")
        field.prices = prices

    def clean(self):
        data = super().clean()
        if data.get("category") and not data.get("quantity"):
            self.add_error("quantity", "请填写数量。")
        return data


class BaseItemFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.cleaned_data.get("category") for form in self.forms):
            raise forms.ValidationError("请至少填写一个服务项目。")

    def filled(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("category")]


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=ITEM_ROWS)


class PaperSignatureForm(forms.Form):
    signed_on = forms.DateField(
        label="客户签字日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    confirm = forms.BooleanField(
        label="客户已在打印的约定上签字，纸质约定由本企业留存备查",
        error_messages={"required": "请确认客户已在纸质约定上签字。"},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200)
