"""Showing a service's refusal on the form that called it, for every app's pages."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Put each message of `error` on the form field it names (renamed through `field_map`
    where the service's field has another name on the form), or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = (field_map or {}).get(name, name)
            for message in ValidationError(errors).messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
