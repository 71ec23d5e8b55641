"""Errors on forms, for every app's pages: a service's refusal shown on the form that called
it, and the plain wording and the summary of the forms residents fill in."""

import functools
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import get_language, gettext, gettext_noop


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


# --- Forms residents fill in ------------------------------------------------------------------

_NOTE_IN_LABEL = re.compile(r"（[^）]*）|\([^)]*\)")
_CHOSEN = (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField, forms.FileField)


def _plain_label(field: forms.Field, name: str) -> str:
    """The field's name as a resident reads it: "电子邮箱（可不填）" -> "电子邮箱"."""
    label = _NOTE_IN_LABEL.sub("", str(field.label or "")).strip() or name
    return label.replace("%", "%%")  # the messages below are %-formatted with Django's params


def _t(message: str, label: str) -> str:
    """The message in the reader's language, with the field's name put in."""
    return gettext(message).replace("{label}", label)


def _resident_messages(field_type: type, widget_type: type, label: str) -> dict[str, str]:
    if issubclass(widget_type, forms.HiddenInput):
        expired = gettext("页面已过期，请刷新页面后重新填写。")
        return dict.fromkeys(
            ["required", "invalid", "invalid_choice", "max_length", "min_length"], expired
        )
    if issubclass(field_type, forms.BooleanField):
        required = _t(gettext_noop("请勾选“{label}”。"), label)
    elif issubclass(field_type, forms.FileField):
        required = _t(gettext_noop("请上传{label}。"), label)
    elif issubclass(field_type, _CHOSEN):
        required = _t(gettext_noop("请选择{label}。"), label)
    else:
        required = _t(gettext_noop("请填写{label}。"), label)
    invalid = _t(gettext_noop("{label}填写得不对，请检查后重新填写。"), label)
    if issubclass(field_type, forms.EmailField):
        invalid = _t(gettext_noop("{label}的格式不对，应像 zhangsan@163.com 这样。"), label)
    elif issubclass(field_type, forms.DateField):
        invalid = _t(gettext_noop("{label}请按“年-月-日”填写，例如2025-10-08。"), label)
    elif issubclass(field_type, forms.IntegerField | forms.DecimalField | forms.FloatField):
        invalid = _t(gettext_noop("{label}请只填写数字。"), label)
    return {
        "required": required,
        "invalid": invalid,
        "invalid_choice": _t(gettext_noop("所选的{label}不在可选范围内，请重新选择。"), label),
        "invalid_pk_value": _t(gettext_noop("所选的{label}不在可选范围内，请重新选择。"), label),
        "invalid_list": _t(gettext_noop("所选的{label}不在可选范围内，请重新选择。"), label),
        "max_length": _t(
            gettext_noop(
                "{label}最多写%(limit_value)d个字，现在有%(show_value)d个字，请删减一些。"
            ),
            label,
        ),
        "min_length": (
            _t(
                gettext_noop(
                    "{label}至少要写%(limit_value)d个字，现在只有%(show_value)d个字，请写得详细一些。"
                ),
                label,
            )
        ),
        "max_value": _t(gettext_noop("{label}不能超过%(limit_value)s。"), label),
        "min_value": _t(gettext_noop("{label}不能小于%(limit_value)s。"), label),
        "null_characters_not_allowed": _t(
            gettext_noop("{label}里有无法识别的字符，请删除后重新填写。"), label
        ),
        "missing": _t(gettext_noop("没有收到{label}，请重新选择文件。"), label),
        "empty": _t(gettext_noop("上传的{label}是空文件，请换一个文件。"), label),
        "contradiction": _t(gettext_noop("请重新选择{label}。"), label),
    }


@functools.cache
def _default_messages(field_type: type) -> dict:
    messages: dict = {}
    for cls in reversed(field_type.__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


@functools.lru_cache(maxsize=2048)
def _cached_resident_messages(
    field_type: type, widget_type: type, label: str, language: str | None
) -> tuple[tuple[str, str], ...]:
    """The plain messages of a kind of field with this label in this language, worked out
    once per process rather than on every form (some 300 translations for a long form)."""
    return tuple(_resident_messages(field_type, widget_type, label).items())


@dataclass(frozen=True)
class SummaryLine:
    anchor: str  # the id of the input to jump to ("" when there is none)
    label: str
    message: str


class ResidentFormMixin:
    """For every form of the public site. Each of Django's generic messages ("这个字段是必填项",
    "确保该变量至少包含 10 字符") is replaced by one that names the field in plain words, unless
    the form wrote its own; `error_summary` lists every error with the id of the input it
    belongs to, for the summary at the top of the page (public/partials/error_summary.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language()
        for name, field in self.fields.items():
            defaults = _default_messages(type(field))
            messages = _cached_resident_messages(
                type(field), type(field.widget), _plain_label(field, name), language
            )
            for code, message in messages:
                own = field.error_messages.get(code)
                default = defaults.get(code)
                if own is None or own is default or own == default:
                    field.error_messages[code] = message

    @property
    def error_summary(self) -> list[SummaryLine]:
        lines = [SummaryLine("", "", message) for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS or name not in self.fields:
                continue
            bound = self[name]
            widget = bound.field.widget
            label = _plain_label(bound.field, name).replace("%%", "%")
            if bound.is_hidden:
                anchor, label = "", ""
            elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                anchor = widget.id_for_label(bound.auto_id, "0")  # the first choice
            else:
                anchor = widget.id_for_label(bound.auto_id)
            lines += [SummaryLine(anchor, label, message) for message in errors]
        return lines
