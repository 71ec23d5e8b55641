"""Booking requests in the back office: read only. Staff follow whether requests are
answered (priority first, the response against the target) and who declined and why;
residents and enterprises make every change through their own pages."""

from django.contrib import admin
from django.utils import timezone

from .models import BookingNotice, BookingOffer, BookingRequest


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OfferInline(ReadOnlyInline):
    model = BookingOffer
    fields = ["enterprise", "grade", "tier", "visible_from", "status", "responded_at"]
    readonly_fields = fields + ["decline_reason"]
    fields = fields + ["decline_reason"]


class NoticeInline(ReadOnlyInline):
    model = BookingNotice
    fields = ["recipient", "enterprise", "body", "status", "sent_at"]
    readonly_fields = fields


@admin.register(BookingRequest)
class BookingRequestAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "what",
        "township",
        "is_priority",
        "status",
        "created_at",
        "respond_by",
        "accepted_at",
        "enterprise",
        "target_kept",
    ]
    list_filter = ["status", "is_priority", "kind", "township", "category"]
    search_fields = ["number", "enterprise__name"]
    date_hierarchy = "created_at"
    list_select_related = ["category", "township", "enterprise"]
    readonly_fields = [
        "number",
        "kind",
        "category",
        "township",
        "preferred_date",
        "preferred_part",
        "note",
        "contact_name",
        "mobile_masked",
        "resident",
        "priority_measure",
        "consultation_measure",
        "is_priority",
        "eligibility_note",
        "status",
        "created_at",
        "respond_by",
        "accepted_at",
        "enterprise",
        "closed_at",
        "close_reason",
    ]
    fields = readonly_fields
    inlines = [OfferInline, NoticeInline]

    @admin.display(description="预约内容")
    def what(self, obj):
        return obj.what

    @admin.display(description="按时响应", boolean=True)
    def target_kept(self, obj):
        if obj.accepted_at is None and obj.respond_by > timezone.now():
            return None
        return obj.kept_target

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
