"""Residents (居民) and their special-group memberships in the back office."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from core import personal_data
from core.admin_history import HistoryAdmin
from core.admin_workflows import ServiceDeleteMixin, reason_action_page
from core.validators import clean_id_number
from registry.admin_personal import (
    ProtectedMobileAdmin,
    protected_id_number_clean,
    protected_mobile_clean,
    protected_mobile_form_field,
    protected_mobile_initial,
)

from . import services
from .models import (
    GroupMembership,
    Resident,
)

# --- Residents ---------------------------------------------------------------------------------


class ResidentAdminForm(forms.ModelForm):
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        required=False,
        help_text="出生日期和性别由身份证号自动得出。修改已有记录时留空表示不变。",
    )

    class Meta:
        model = Resident
        fields = ["name", "township", "address"]

    mobile = protected_mobile_form_field(required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        protected_mobile_initial(self, "mobile")

    def clean_id_number(self):
        identity = protected_id_number_clean(
            self, duplicate_message="该身份证号已登记为居民，请勿重复登记。"
        )
        return identity.number if identity else ""

    def clean_mobile(self):
        return protected_mobile_clean(self, "mobile", required=True)


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    fields = ["group", "proof_number", "proof", "valid_from", "valid_to", "status", "verified_at"]
    readonly_fields = ["status", "verified_at"]
    autocomplete_fields = ["group"]


@admin.register(Resident)
class ResidentAdmin(ServiceDeleteMixin, ProtectedMobileAdmin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    protected_mobile_field = "mobile"
    form = ResidentAdminForm
    list_display = [
        "name",
        "id_number_masked",
        "mobile_masked",
        "township",
        "credit_badge",
        "credit_checked_on",
        "groups_display",
        "verified_display",
    ]
    list_filter = [
        "credit_status",
        "township",
        "source",
        ("verified_at", admin.EmptyFieldListFilter),
        "memberships__group",
    ]
    list_select_related = ["township"]
    search_fields = ["name", "mobile_masked", "=id_last4"]
    protected_search_fields = {"id": ("id_number_hash",), "mobile": ("mobile_hash",)}
    search_help_text = "可按姓名、手机号、身份证后四位或完整身份证号查找。"
    autocomplete_fields = ["township"]
    readonly_fields = [
        "id_number_masked",
        "gender",
        "birth_date",
        "credit_status",
        "credit_checked_on",
        "credit_note",
        "source",
        "registered_by_enterprise",
        "verified_at",
        "verified_by",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "id_number", "id_number_masked", "gender", "birth_date"]}),
        ("联系方式", {"fields": ["mobile", "township", "address"]}),
        ("信用状况", {"fields": ["credit_status", "credit_checked_on", "credit_note"]}),
        (
            "登记与核实",
            {
                "fields": [
                    "source",
                    "registered_by_enterprise",
                    "verified_at",
                    "verified_by",
                    "created_at",
                ]
            },
        ),
    ]
    inlines = [MembershipInline]
    actions = ["verify"]
    show_full_result_count = False

    def get_queryset(self, request):
        # No DISTINCT: the list would count the whole table through it. A filter by group
        # (a resident may belong to several) is de-duplicated by the changelist itself.
        return super().get_queryset(request).prefetch_related("memberships__group")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if len(term) == 18:
            try:
                identity = clean_id_number(term)
            except ValidationError:
                pass
            else:
                digest = personal_data.lookup_hash(identity.number)
                return queryset.filter(id_number_hash=digest), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="信用状况", ordering="credit_status")
    def credit_badge(self, obj):
        colour = "#a61b1b" if obj.credit_status == Resident.CreditStatus.DISHONEST else "#1e6b34"
        return format_html(
            '<strong style="color:{}">{}</strong>', colour, obj.get_credit_status_display()
        )

    @admin.display(description="特殊群体")
    def groups_display(self, obj):
        return "、".join(m.group.name for m in obj.memberships.all()) or "—"

    @admin.display(description="已核实", boolean=True)
    def verified_display(self, obj):
        return obj.is_verified

    def save_model(self, request, obj, form, change):
        services.resident_register(
            actor=request.user, resident=obj, id_number=form.cleaned_data.get("id_number") or None
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.record_delete(actor=request.user, record=membership)
        for membership in instances:
            # Staff enter memberships after checking the proof: they count at once.
            services.membership_save(actor=request.user, membership=membership, verified=True)

    @admin.action(description="核实所选居民（企业代为登记或网上登记的）", permissions=["change"])
    def verify(self, request, queryset):
        for resident in queryset:
            services.resident_verify(actor=request.user, resident=resident)
        self.message_user(request, f"已核实{queryset.count()}位居民。", messages.SUCCESS)


@admin.register(GroupMembership)
class GroupMembershipAdmin(ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    list_display = [
        "resident",
        "group",
        "proof_number",
        "valid_from",
        "valid_to",
        "status",
        "verified_at",
    ]
    list_filter = ["status", "group", ("verified_at", admin.EmptyFieldListFilter)]
    list_select_related = ["resident", "group"]
    search_fields = ["resident__name", "resident__mobile_masked", "proof_number"]
    protected_search_fields = {"id": ("resident__id_number_hash",)}
    autocomplete_fields = ["resident", "group"]
    readonly_fields = ["status", "rejection_reason", "verified_at", "verified_by"]
    actions = ["verify", "reject"]

    def save_model(self, request, obj, form, change):
        services.membership_save(actor=request.user, membership=obj, verified=True)

    @admin.action(description="核实所选认定（已查验证明材料）", permissions=["change"])
    def verify(self, request, queryset):
        for membership in queryset:
            services.membership_verify(actor=request.user, membership=membership)
        self.message_user(request, f"已核实{queryset.count()}条认定。", messages.SUCCESS)

    @admin.action(description="退回所选认定（证明材料不符，须填写原因）", permissions=["change"])
    def reject(self, request, queryset):
        return reason_action_page(
            self,
            request,
            queryset,
            title="退回特殊群体认定",
            action="reject",
            apply=lambda membership, reason: services.membership_reject(
                actor=request.user, membership=membership, reason=reason
            ),
        )
