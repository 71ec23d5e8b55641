"""The registers' admin bases: the history admin with the completeness filter and the
validity badge, and the mixins for sensitive records and uploads to verify."""

from django.contrib import admin, messages
from django.utils.html import format_html

from core.admin_history import HistoryAdmin

from . import services
from .models import Employment, Validity

SENSITIVE = "registry.view_sensitive_records"
BADGE_COLOURS = {
    Validity.VALID: "#1e6b34",
    Validity.EXPIRING: "#8a5a00",
    Validity.EXPIRED: "#a61b1b",
    Validity.MISSING: "#555",
}


def validity_badge(status: str):
    return format_html(
        '<strong style="color:{}">{}</strong>',
        BADGE_COLOURS.get(status, "#555"),
        Validity(status).label,
    )


class CompletenessFilter(admin.SimpleListFilter):
    title = "档案完整度"
    parameter_name = "completeness"

    def lookups(self, request, model_admin):
        return [("full", "齐全（100%）"), ("most", "80%–99%"), ("low", "低于80%")]

    def queryset(self, request, queryset):
        if self.value() == "full":
            return queryset.filter(completeness=100)
        if self.value() == "most":
            return queryset.filter(completeness__gte=80, completeness__lt=100)
        if self.value() == "low":
            return queryset.filter(completeness__lt=80)
        return queryset


class RegistryAdmin(HistoryAdmin):
    """Shared behaviour: no full COUNT(*) on big lists, and saves through services."""

    show_full_result_count = False
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        services.record_save(actor=request.user, record=obj)

    def delete_model(self, request, obj):
        services.record_delete(actor=request.user, record=obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.record_delete(actor=request.user, record=obj)
        for instance in instances:
            if isinstance(instance, Employment):
                services.employment_save(actor=request.user, employment=instance)
            else:
                services.record_save(actor=request.user, record=instance)
        formset.save_m2m()


class SensitiveAdminMixin:
    """Health certificates and background checks: only roles that need them."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(SENSITIVE) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(SENSITIVE) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.has_perm(SENSITIVE) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(SENSITIVE) and super().has_delete_permission(request, obj)


class VerifyUploadsMixin:
    """Uploads from the portal wait for 核验; staff verify the selected ones at once."""

    actions = ["verify_records"]

    @admin.action(description="核验所选记录（已与原件核对无误）", permissions=["change"])
    def verify_records(self, request, queryset):
        count = services.records_verify(actor=request.user, records=queryset)
        self.message_user(request, f"已核验 {count} 条记录。", messages.SUCCESS)
