from django import forms

from core.form_errors import ResidentFormMixin
from registry.code_forms import CodeForm, MobileForm
from registry.models import Township

__all__ = ["CatalogueFilterForm", "CodeForm", "MobileForm"]


class CatalogueFilterForm(ResidentFormMixin, forms.Form):
    township = forms.ModelChoiceField(
        label="按乡镇查看参与企业",
        queryset=Township.objects.all(),
        required=False,
        empty_label="全部乡镇",
    )
