"""The bureau's back office for the registers. Admin classes only arrange the interface:
every save goes through `registry.services`."""

from django.contrib import admin
from django.utils.html import format_html

# Enterprises and workers, registered before the ledger attaches its export actions.
from . import (
    admin_subjects,  # noqa: F401
    services,
)
from .admin_base import RegistryAdmin, SensitiveAdminMixin, VerifyUploadsMixin
from .models import (
    BackgroundCheck,
    DocumentNotice,
    Employment,
    EnterpriseQualification,
    HealthCertificate,
    PersonalDataAccess,
    ServiceCategory,
    ServiceOffering,
    SkillCertificate,
    Township,
    TrainingRecord,
)

# --- Documents and catalogue --------------------------------------------------------------


@admin.register(EnterpriseQualification)
class QualificationAdmin(RegistryAdmin):
    list_display = [
        "__str__",
        "enterprise",
        "number",
        "valid_from",
        "valid_to",
        "validity",
        "verified",
    ]
    list_filter = ["kind", "validity", "verified"]
    list_select_related = ["enterprise"]
    search_fields = ["number", "enterprise__name", "=enterprise__uscc"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = ["validity", "expiry_notified_at"]


@admin.register(HealthCertificate)
class HealthCertificateAdmin(SensitiveAdminMixin, VerifyUploadsMixin, RegistryAdmin):
    list_display = [
        "worker",
        "number",
        "issuer",
        "valid_from",
        "valid_to",
        "validity",
        "verified",
        "fast_track",
        "review_due_on",
    ]
    list_filter = ["validity", "verified", "fast_track"]
    list_select_related = ["worker"]
    search_fields = ["number", "worker__name", "=worker__id_last4"]
    protected_search_fields = {"id": ("worker__id_number_hash",)}
    autocomplete_fields = ["worker"]
    readonly_fields = [
        "validity",
        "expiry_notified_at",
        "fast_track",
        "review_due_on",
        "verified_at",
    ]
    ordering = ["verified", "-fast_track", "review_due_on", "-valid_to"]


@admin.register(BackgroundCheck)
class BackgroundCheckAdmin(SensitiveAdminMixin, RegistryAdmin):
    list_display = ["worker", "result", "checked_on", "checked_by"]
    list_filter = ["result"]
    list_select_related = ["worker"]
    search_fields = ["worker__name", "=worker__id_last4", "certificate_number"]
    protected_search_fields = {"id": ("worker__id_number_hash",)}
    autocomplete_fields = ["worker"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(VerifyUploadsMixin, RegistryAdmin):
    list_display = [
        "worker",
        "course",
        "provider",
        "hours",
        "completed_on",
        "verified",
        "fast_track",
        "review_due_on",
    ]
    list_filter = ["verified", "fast_track", "provider"]
    readonly_fields = ["fast_track", "review_due_on", "verified_at"]
    ordering = ["verified", "-fast_track", "review_due_on", "-completed_on"]
    list_select_related = ["worker"]
    search_fields = ["course", "provider", "worker__name"]
    protected_search_fields = {"id": ("worker__id_number_hash",)}
    autocomplete_fields = ["worker"]


@admin.register(SkillCertificate)
class SkillCertificateAdmin(VerifyUploadsMixin, RegistryAdmin):
    list_display = ["worker", "occupation", "level", "number", "issued_on", "verified"]
    list_filter = ["occupation", "level", "verified"]
    list_select_related = ["worker"]
    search_fields = ["number", "worker__name"]
    protected_search_fields = {"id": ("worker__id_number_hash",)}
    autocomplete_fields = ["worker"]


@admin.register(Employment)
class EmploymentAdmin(RegistryAdmin):
    list_display = ["worker", "enterprise", "position", "started_on", "ended_on"]
    list_filter = [("ended_on", admin.EmptyFieldListFilter)]
    list_select_related = ["worker", "enterprise"]
    search_fields = ["worker__name", "enterprise__name", "=enterprise__uscc"]
    protected_search_fields = {"id": ("worker__id_number_hash",)}
    autocomplete_fields = ["worker", "enterprise"]

    def save_model(self, request, obj, form, change):
        services.employment_save(actor=request.user, employment=obj)


class OutsideGuideFilter(admin.SimpleListFilter):
    title = "指导价"
    parameter_name = "guide"

    def lookups(self, request, model_admin):
        return [("outside", "超出指导价范围"), ("inside", "在指导价范围内")]

    def queryset(self, request, queryset):
        from django.db.models import F, Q

        outside = Q(price__lt=F("category__guide_price_min")) | Q(
            price__gt=F("category__guide_price_max")
        )
        if self.value() == "outside":
            return queryset.filter(outside)
        if self.value() == "inside":
            return queryset.exclude(outside)
        return queryset


@admin.register(ServiceOffering)
class ServiceOfferingAdmin(RegistryAdmin):
    list_display = ["enterprise", "category", "price", "guide_range", "is_active"]
    list_filter = ["category", OutsideGuideFilter, "is_active"]
    list_select_related = ["enterprise", "category"]
    search_fields = ["enterprise__name", "category__name"]
    autocomplete_fields = ["enterprise", "category"]

    @admin.display(description="指导价")
    def guide_range(self, obj):
        text = f"{obj.category.guide_price_min}–{obj.category.guide_price_max}"
        if obj.outside_guide:
            return format_html('<strong style="color:#a61b1b">{}（超出）</strong>', text)
        return text


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(RegistryAdmin):
    list_display = [
        "name",
        "code",
        "unit",
        "guide_price_min",
        "guide_price_max",
        "is_active",
        "sort_order",
    ]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]

    def save_model(self, request, obj, form, change):
        services.service_category_save(actor=request.user, category=obj)


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["sort_order"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "user", "subject_label", "field", "reason", "ip_address"]
    list_filter = ["field"]
    list_select_related = ["user"]
    search_fields = ["subject_label", "user__username", "reason"]
    date_hierarchy = "accessed_at"


@admin.register(DocumentNotice)
class DocumentNoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "enterprise", "channel", "recipient", "status", "sent_at"]
    list_filter = ["channel", "status"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name"]


# Registers the ledger import pages, the change requests and the home-service cards.
from . import admin_cards, admin_ledger, admin_portal  # noqa: E402, F401
