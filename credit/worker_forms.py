"""The forms of the worker's own record: an objection, a repair request and the consent to
be named in full on the honour roll. Shape only; the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_errors import ResidentFormMixin

from .portal_forms import ObjectionForm, RepairForm


class WorkerObjectionForm(ResidentFormMixin, ObjectionForm):
    pass


class WorkerRepairForm(ResidentFormMixin, RepairForm):
    pass


class ConsentForm(ResidentFormMixin, forms.Form):
    GIVE = "give"
    WITHDRAW = "withdraw"

    decision = forms.ChoiceField(
        label=_("是否同意公开"),
        choices=[(GIVE, _("同意公开全名和照片")), (WITHDRAW, _("不同意（撤回同意）"))],
    )
