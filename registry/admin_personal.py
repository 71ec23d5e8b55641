"""The admin side of protected personal mobile numbers (core.personal_data): a form field
that shows the masked number and changes it only when a new one is typed, a masked display
with a reveal link and the reveal page (permission, reason, logged). Search by a full number
goes through the keyed hash like every admin search (core.admin_search): an admin
declares its `<field>_hash` column in `protected_search_fields`. Workers, portal accounts,
residents and support applications use it."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from core import personal_data
from core.client_ip import client_ip
from core.validators import IdentityNumber, clean_id_number, clean_mobile

from . import services
from .services.personal import REVEAL_MOBILE_PERMISSION

UNCHANGED_HELP = "显示的是部分隐藏的号码；不修改请保持原样，输入新号码即更换，清空即删除。"


def protected_mobile_form_field(*, label: str = "手机号码", required: bool = False):
    field = forms.CharField(label=label, max_length=30, required=required)
    field.widget.input_type = "tel"
    return field


def protected_mobile_initial(form: forms.ModelForm, field: str) -> None:
    """Show the stored number masked in the form's `field` input (call from __init__)."""
    masked = getattr(form.instance, f"{field}_masked", "")
    if form.instance.pk and masked:
        form.initial.setdefault(field, masked)
        form.fields[field].help_text = UNCHANGED_HELP


def protected_mobile_clean(
    form: forms.ModelForm, field: str, *, required: bool = False, clean=clean_mobile
) -> str:
    """Apply the number typed into `field` to the instance: the masked number left as shown
    changes nothing, an empty box removes it, anything else must be a valid number."""
    value = (form.cleaned_data.get(field) or "").strip()
    instance = form.instance
    masked = getattr(instance, f"{field}_masked", "")
    if instance.pk and masked and value == masked:
        return masked
    if not value:
        if required:
            raise ValidationError(f"请填写{form.fields[field].label}。", code="required")
        personal_data.phone_apply(instance, field, "")
        return ""
    number = clean(value)
    personal_data.phone_apply(instance, field, number)
    return number


def protected_id_number_clean(
    form: forms.ModelForm, *, duplicate_message: str
) -> IdentityNumber | None:
    """The ID number typed into the form's `id_number` box: required on a new record, left
    empty to keep the stored one (None), refused when another record of the model holds it."""
    value = (form.cleaned_data.get("id_number") or "").strip()
    if not value:
        if form.instance.pk is None:
            raise ValidationError("请填写身份证号。")
        return None
    identity = clean_id_number(value)
    holders = type(form.instance)._default_manager.filter(
        id_number_hash=personal_data.lookup_hash(identity.number)
    )
    if holders.exclude(pk=form.instance.pk).exists():
        raise ValidationError(duplicate_message)
    return identity


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="查看事由",
        max_length=200,
        help_text="将记入个人信息查看记录，例如：核对投诉当事人身份。",
    )


class ProtectedMobileAdmin:
    """ModelAdmin mixin for a model with `<field>_encrypted/_hash/_masked` columns."""

    protected_mobile_field = "phone"

    def _reveal_url_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_reveal_mobile"

    def _mobile_label(self) -> str:
        field = self.model._meta.get_field(f"{self.protected_mobile_field}_masked")
        return str(field.verbose_name)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/reveal-mobile/",
                self.admin_site.admin_view(self.reveal_mobile_view),
                name=self._reveal_url_name(),
            ),
            *super().get_urls(),
        ]

    def mobile_reveal_url(self, request, obj) -> str | None:
        if obj is None or not obj.pk or not request.user.has_perm(REVEAL_MOBILE_PERMISSION):
            return None
        if not getattr(obj, f"{self.protected_mobile_field}_encrypted"):
            return None
        return reverse(f"admin:{self._reveal_url_name()}", args=[obj.pk])

    @admin.display(description="手机号码")
    def mobile_display(self, obj):
        return getattr(obj, f"{self.protected_mobile_field}_masked") or "—"

    @admin.display(description="完整号码")
    def mobile_reveal_link(self, obj):
        url = reverse(f"admin:{self._reveal_url_name()}", args=[obj.pk])
        return format_html('<a href="{}">查看完整号码（需填写事由，将被记录）</a>', url)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "mobile_display", "mobile_reveal_link"]

    def get_fieldsets(self, request, obj=None):
        """Editors type into the masked input; readers (领导) see the masked number; holders
        of the reveal permission get the link to the reveal page."""
        fieldsets = super().get_fieldsets(request, obj)
        name = self.protected_mobile_field
        editable = self.has_change_permission(request, obj) if obj else True
        link = ["mobile_reveal_link"] if self.mobile_reveal_url(request, obj) else []
        shown = {
            name: [name if editable else "mobile_display", *link],
            f"{name}_masked": [f"{name}_masked", *link],
        }
        own = {"mobile_display", "mobile_reveal_link"}  # placed here, never listed by default
        result = []
        for title, options in fieldsets:
            fields = []
            for field in options.get("fields", []):
                if isinstance(field, str) and field in own:
                    continue
                fields.extend(shown.get(field, [field]) if isinstance(field, str) else [field])
            result.append((title, {**options, "fields": fields}))
        return result

    @method_decorator(never_cache)
    def reveal_mobile_view(self, request, object_id: int):
        if not request.user.has_perm(REVEAL_MOBILE_PERMISSION):
            raise PermissionDenied
        subject = get_object_or_404(self.get_queryset(request), pk=object_id)
        label = self._mobile_label()
        form = RevealForm(request.POST or None)
        number = None
        if request.method == "POST" and form.is_valid():
            number = services.mobile_reveal(
                actor=request.user,
                subject=subject,
                field=self.protected_mobile_field,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"查看 {subject} 的完整{label}",
            "opts": opts,
            "subject": subject,
            "label": label,
            "change_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[subject.pk]
            ),
            "form": form,
            "number": number,
        }
        return TemplateResponse(request, "admin/registry/reveal_mobile.html", context)
