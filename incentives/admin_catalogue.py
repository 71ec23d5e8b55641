"""The incentives catalogue in the back office: special groups, measures and the
enterprises taking part in them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from core.admin_history import HistoryAdmin
from core.admin_workflows import ServiceDeleteMixin

from . import services
from .models import (
    IncentiveMeasure,
    Participation,
    SpecialGroup,
)

# --- Catalogue ---------------------------------------------------------------------------------


@admin.register(SpecialGroup)
class SpecialGroupAdmin(ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    list_display = ["name", "extra_discount_percent", "extra_benefit", "min_age", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def save_model(self, request, obj, form, change):
        services.special_group_save(actor=request.user, group=obj)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["enterprise", "status", "joined_at", "withdrawn_at", "note"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IncentiveMeasure)
class IncentiveMeasureAdmin(ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    list_display = [
        "title",
        "audience",
        "benefit_kind",
        "discount_percent",
        "min_grade",
        "stackable",
        "stack_cap_percent",
        "limit_display",
        "valid_from",
        "valid_to",
        "is_active",
        "participant_count",
    ]
    list_filter = ["audience", "benefit_kind", "min_grade", "is_active"]
    search_fields = ["title", "code", "description"]
    filter_horizontal = ["special_groups", "categories"]
    inlines = [ParticipationInline]
    fieldsets = [
        (None, {"fields": ["code", "title", "description", "audience", "benefit_kind"]}),
        ("权益", {"fields": ["discount_percent", "value_note", "stackable", "stack_cap_percent"]}),
        ("条件", {"fields": ["min_grade", "special_groups", "categories"]}),
        ("次数与有效期", {"fields": ["limit_count", "limit_period", "valid_from", "valid_to"]}),
        (None, {"fields": ["is_active", "sort_order"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_participants=Count(
                    "participations", filter=Q(participations__status="active")
                )
            )
        )

    @admin.display(description="限用")
    def limit_display(self, obj):
        return obj.limit_text

    @admin.display(description="参与企业", ordering="active_participants")
    def participant_count(self, obj):
        return obj.active_participants if obj.offered_by_enterprises else "—"

    def save_model(self, request, obj, form, change):
        services.measure_save(actor=request.user, measure=obj)


class ParticipationForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["measure", "enterprise", "townships", "note"]
        widgets = {"townships": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("measure") and cleaned.get("enterprise"):
            # The service's own check, so its refusal shows on the form.
            problems = services.participation_problems(
                enterprise=cleaned["enterprise"], measure=cleaned["measure"]
            )
            if problems:
                raise ValidationError(problems)
        return cleaned


@admin.register(Participation)
class ParticipationAdmin(ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    form = ParticipationForm
    list_display = ["enterprise", "measure", "status", "joined_at", "withdrawn_at", "note"]
    list_filter = ["status", "measure"]
    list_select_related = ["enterprise", "measure"]
    search_fields = ["enterprise__name", "=enterprise__uscc"]
    autocomplete_fields = ["enterprise"]
    actions = ["withdraw"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["measure", "enterprise", "status", "joined_at", "withdrawn_at"]
        return []

    def save_model(self, request, obj, form, change):
        if change:
            services.participation_note_change(actor=request.user, participation=obj, note=obj.note)
        else:
            saved = services.participation_opt_in(
                actor=request.user, enterprise=obj.enterprise, measure=obj.measure, note=obj.note
            )
            obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        services.participation_townships_set(
            actor=request.user,
            participation=form.instance,
            townships=form.cleaned_data["townships"],
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description="退出所选企业的参与", permissions=["change"])
    def withdraw(self, request, queryset):
        for participation in queryset:
            services.participation_withdraw(
                actor=request.user, participation=participation, note="工作人员办理退出"
            )
        self.message_user(request, f"已办理{queryset.count()}家企业退出。", messages.SUCCESS)
