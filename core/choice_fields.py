"""Choice fields for short reference lists (townships, service items) on public forms.

Django renders a ModelChoiceField's options through `QuerySet.iterator()`, which on
PostgreSQL opens a server-side cursor: DECLARE, FETCH and CLOSE, three round trips, and
outside a transaction a WITH HOLD cursor the server materialises at commit. For a list of a
few dozen rows one plain SELECT does the same work in one round trip.
"""

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices read with one plain query each time the field is rendered."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over a short list (see the module's docstring)."""

    iterator = ListedChoiceIterator
