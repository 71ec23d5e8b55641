"""The incentives back office: the catalogue, residents and special groups, the dishonesty
list, participation, redemptions (audit, export, coverage) and support applications
ranked by credit. Admin classes arrange the interface; every write goes through
`incentives.services`."""

from django.contrib import admin
from django.urls import path, reverse

from core.admin_history import HistoryAdmin
from core.admin_workflows import reason_action_page

# Importing the other back-office modules registers their admin classes.
from . import (  # noqa: F401
    admin_bookings,
    admin_catalogue,
    admin_redemptions,
    admin_residents,
    admin_support,
    services,
)
from .admin_imports import DishonestyImportPage
from .models import DishonestyEntry, DishonestyListImport
from .services.dishonesty import dishonesty_import_allowed

# --- Dishonesty list ---------------------------------------------------------------------------


@admin.register(DishonestyListImport)
class DishonestyListImportAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "list_date",
        "entry_count",
        "matched_count",
        "imported_by",
        "imported_at",
        "original_name",
    ]
    list_filter = ["source"]
    readonly_fields = [f.name for f in DishonestyListImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        page = DishonestyImportPage(self)
        return [
            path("upload/", view(page.upload_view), name="incentives_dishonesty_upload"),
            path("template/", view(page.template_view), name="incentives_dishonesty_template"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "upload_url": reverse("admin:incentives_dishonesty_upload"),
            "can_import": dishonesty_import_allowed(request.user),
        }
        return super().changelist_view(request, extra_context)


@admin.register(DishonestyEntry)
class DishonestyEntryAdmin(HistoryAdmin):
    list_display = ["name", "id_number_masked", "source", "case_number", "listed_on", "is_active"]
    list_filter = ["is_active", "source"]
    search_fields = ["name", "case_number"]
    protected_search_fields = {"id": ("id_number_hash",)}
    readonly_fields = [f.name for f in DishonestyEntry._meta.fields if f.name != "id"]
    exclude = ["id_number_hash"]
    actions = ["remove"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="将所选人员移出名单（如已履行完毕）", permissions=["change"])
    def remove(self, request, queryset):
        return reason_action_page(
            self,
            request,
            queryset,
            title="移出失信名单",
            action="remove",
            apply=lambda entry, reason: services.dishonesty_entry_remove(
                actor=request.user, entry=entry, reason=reason
            ),
        )
