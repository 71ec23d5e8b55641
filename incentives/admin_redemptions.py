"""Redemptions (优惠核销) in the back office: audit, export, cancelling and coverage."""

import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin_history import HistoryAdmin
from core.admin_workflows import reason_action_page
from core.spreadsheets.admin import xlsx_response

from . import selectors, services
from .models import (
    Redemption,
    RedemptionItem,
)
from .resources import redemptions_export

# --- Redemptions -------------------------------------------------------------------------------


class RedemptionItemInline(admin.TabularInline):
    model = RedemptionItem
    extra = 0
    fields = ["measure", "special_group", "discount_percent", "discount_amount"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Redemption)
class RedemptionAdmin(HistoryAdmin):
    list_display = [
        "served_on",
        "resident",
        "enterprise",
        "category",
        "order_amount",
        "discount_percent",
        "discount_amount",
        "status",
        "sms_confirmed",
    ]
    list_filter = ["status", "served_on", "category", "items__measure", "special_groups"]
    list_select_related = ["resident", "enterprise", "category"]
    search_fields = ["resident__name", "resident__mobile_masked", "enterprise__name"]
    protected_search_fields = {
        "id": ("resident__id_number_hash",),
        "mobile": ("resident__mobile_hash",),
    }
    date_hierarchy = "served_on"
    inlines = [RedemptionItemInline]
    actions = ["export", "cancel"]
    show_full_result_count = False
    readonly_fields = [
        "resident",
        "enterprise",
        "worker",
        "category",
        "served_on",
        "order_amount",
        "discount_percent",
        "discount_amount",
        "paid_amount",
        "explanation_display",
        "special_groups",
        "status",
        "sms_confirmed",
        "recorded_by",
        "recorded_at",
        "cancelled_at",
        "cancel_reason",
    ]
    exclude = ["explanation"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_add_permission(self, request):
        return False  # enterprises record redemptions, with the resident's SMS code

    def has_delete_permission(self, request, obj=None):
        return False  # kept for the audit; a wrong record is cancelled

    @admin.display(description="优惠计算说明")
    def explanation_display(self, obj):
        return format_html("<br>".join(["{}"] * len(obj.explanation)), *obj.explanation)

    def get_urls(self):
        return [
            path(
                "coverage/",
                self.admin_site.admin_view(self.coverage_view),
                name="incentives_redemption_coverage",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "coverage_url": reverse("admin:incentives_redemption_coverage"),
        }
        return super().changelist_view(request, extra_context)

    def coverage_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

        def day(name):
            try:
                return datetime.date.fromisoformat(request.GET.get(name, ""))
            except ValueError:
                return None

        stats = selectors.coverage(day("from"), day("to"))
        context = {
            **self.admin_site.each_context(request),
            "title": "信用惠民覆盖面",
            "opts": self.model._meta,
            "stats": stats,
            "sections": [
                ("按乡镇", stats.by_township),
                ("按特殊群体", stats.by_group),
                ("按激励措施", stats.by_measure),
                ("按企业", stats.by_enterprise),
                ("按月份", stats.by_month),
            ],
        }
        return TemplateResponse(request, "admin/incentives/coverage.html", context)

    @admin.action(description="导出所选记录（Excel，个人信息已脱敏）", permissions=["view"])
    def export(self, request, queryset):
        return xlsx_response(
            redemptions_export(Redemption.objects.filter(pk__in=queryset.values("pk"))),
            f"优惠核销台账_{timezone.localdate():%Y%m%d}.xlsx",
        )

    @admin.action(description="作废所选记录", permissions=["change"])
    def cancel(self, request, queryset):
        return reason_action_page(
            self,
            request,
            queryset,
            title="作废核销记录",
            action="cancel",
            apply=lambda redemption, reason: services.redemption_cancel(
                actor=request.user, redemption=redemption, reason=reason
            ),
        )
