"""The credit pledge (信用承诺书) in the back office: publish a new version (a published one
is never edited), the enterprises' signatures (read-only) and the breaches recorded against
signed pledges (read-only; they follow their credit records)."""

from django.contrib import admin
from django.db.models import Count, Exists, Func, OuterRef, Q, Subquery

from core.admin_history import HistoryAdmin
from registry.models import Enterprise

from ..models import PledgeBreach, PledgeSignature, PledgeText
from ..services.pledges import pledge_publish


@admin.register(PledgeText)
class PledgeTextAdmin(HistoryAdmin):
    list_display = ["version", "title", "published_at", "published_by", "signed", "unsigned"]
    fields = ["title", "body"]
    readonly_fields = ["version", "published_at", "published_by"]
    list_select_related = ["published_by"]

    def get_queryset(self, request):
        # Both counts come with the rows: no query per row.
        active = Enterprise.objects.active()
        signed_active = Q(
            signatures__enterprise__business_status=Enterprise.BusinessStatus.OPERATING
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                signed_count=Count("signatures", distinct=True),
                signed_active_count=Count("signatures__enterprise", signed_active, distinct=True),
                active_total=Subquery(
                    active.order_by().annotate(n=Func("pk", function="COUNT")).values("n")[:1]
                ),
            )
        )

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else ["version", *self.fields, "published_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["version", "title", "body", "published_at"]

    @admin.display(description="已签署企业")
    def signed(self, obj):
        return obj.signed_count

    @admin.display(description="在业企业未签署")
    def unsigned(self, obj):
        return (obj.active_total or 0) - obj.signed_active_count

    def get_changeform_initial_data(self, request):
        """A new version starts from the text in force."""
        current = PledgeText.objects.current()
        if current is None:
            return super().get_changeform_initial_data(request)
        return {"title": current.title, "body": current.body}

    def has_change_permission(self, request, obj=None):
        return False  # a published version is never edited: publish a new one

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = pledge_publish(actor=request.user, title=obj.title, body=obj.body)
        obj.pk, obj.version, obj.published_at = (
            published.pk,
            published.version,
            published.published_at,
        )
        obj.published_by = published.published_by


class SignedCurrentFilter(admin.SimpleListFilter):
    title = "现行版本"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "已签署现行版本"), ("no", "未签署现行版本（仅签署过旧版本）")]

    def queryset(self, request, queryset):
        current = PledgeText.objects.current()
        if self.value() not in ("yes", "no") or current is None:
            return queryset
        signed_current = PledgeSignature.objects.filter(
            pledge=current, enterprise=OuterRef("enterprise")
        )
        if self.value() == "yes":
            return queryset.filter(pledge=current)
        return queryset.exclude(Exists(signed_current))


@admin.register(PledgeSignature)
class PledgeSignatureAdmin(HistoryAdmin):
    list_display = ["enterprise", "version", "signer_name", "signed_at", "signed_by"]
    list_filter = ["pledge__version", SignedCurrentFilter]
    search_fields = ["enterprise__name", "=enterprise__uscc", "signer_name"]
    list_select_related = ["enterprise", "pledge", "signed_by"]
    date_hierarchy = "signed_at"

    @admin.display(description="承诺书版本", ordering="pledge__version")
    def version(self, obj):
        return f"第{obj.pledge.version}版"

    def has_add_permission(self, request):
        return False  # enterprises sign in the portal

    def has_change_permission(self, request, obj=None):
        return False  # a signature is never edited

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PledgeBreach)
class PledgeBreachAdmin(HistoryAdmin):
    list_display = ["enterprise", "version", "event", "occurred_on", "recorded_at", "state"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["signature__enterprise__name", "event__title"]
    list_select_related = ["signature__enterprise", "signature__pledge", "event"]

    @admin.display(description="企业", ordering="signature__enterprise__name")
    def enterprise(self, obj):
        return obj.signature.enterprise

    @admin.display(description="承诺书版本")
    def version(self, obj):
        return f"第{obj.signature.pledge.version}版"

    @admin.display(description="发生日期", ordering="event__occurred_on")
    def occurred_on(self, obj):
        return obj.event.occurred_on

    @admin.display(description="状态")
    def state(self, obj):
        return "已撤销（信用记录已撤销）" if obj.is_revoked else "有效"

    def has_add_permission(self, request):
        return False  # recorded with the serious credit record

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
