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
