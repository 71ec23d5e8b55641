"""Support and training programmes and the applications to them, ranked by credit."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin_history import HistoryAdmin
from core.admin_workflows import ServiceDeleteMixin, reason_action_page
from core.validators import clean_phone
from credit.models import Grade
from registry.admin_personal import (
    ProtectedMobileAdmin,
    protected_mobile_clean,
    protected_mobile_form_field,
    protected_mobile_initial,
)

from . import selectors, services
from .models import (
    SupportApplication,
    SupportProgramme,
)
from .standing import programme_min_grade

# --- Support and training ----------------------------------------------------------------------


@admin.register(SupportProgramme)
class SupportProgrammeAdmin(ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    list_display = ["title", "kind", "year", "opens_on", "closes_on", "quota", "ranking_link"]
    list_filter = ["kind", "year"]
    search_fields = ["title"]

    def save_model(self, request, obj, form, change):
        services.programme_save(actor=request.user, programme=obj)

    @admin.display(description="申报排名")
    def ranking_link(self, obj):
        url = reverse("admin:incentives_programme_ranking", args=[obj.pk])
        return format_html('<a href="{}">查看排名</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/ranking/",
                self.admin_site.admin_view(self.ranking_view),
                name="incentives_programme_ranking",
            ),
            *super().get_urls(),
        ]

    def ranking_view(self, request, object_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        programme = get_object_or_404(
            SupportProgramme.objects.select_related("measure"), pk=object_id
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{programme} · 申报排名",
            "opts": self.model._meta,
            "programme": programme,
            "min_grade": programme_min_grade(programme),
            "ranking": selectors.programme_ranking(programme),
        }
        return TemplateResponse(request, "admin/incentives/ranking.html", context)


class SupportApplicationAdminForm(forms.ModelForm):
    contact_phone = protected_mobile_form_field(label="联系电话", required=True)

    class Meta:
        model = SupportApplication
        fields = ["programme", "enterprise", "statement", "places", "trainees", "contact_person"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        protected_mobile_initial(self, "contact_phone")

    def clean_contact_phone(self):
        return protected_mobile_clean(self, "contact_phone", required=True, clean=clean_phone)


@admin.register(SupportApplication)
class SupportApplicationAdmin(ServiceDeleteMixin, ProtectedMobileAdmin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    protected_mobile_field = "contact_phone"
    form = SupportApplicationAdminForm

    @admin.display(description="联系电话")
    def mobile_display(self, obj):
        return obj.contact_phone_masked or "—"

    list_display = [
        "enterprise",
        "programme",
        "grade_display",
        "total_display",
        "eligibility_display",
        "places",
        "status",
        "submitted_at",
    ]
    list_filter = ["programme", "status"]
    list_select_related = ["enterprise", "programme__measure"]
    search_fields = ["enterprise__name", "=enterprise__uscc"]
    protected_search_fields = {"mobile": ("contact_phone_hash",)}
    autocomplete_fields = ["enterprise"]
    filter_horizontal = ["trainees"]
    actions = ["approve", "reject"]
    readonly_fields = [
        "status",
        "submitted_by",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_note",
    ]

    def get_queryset(self, request):
        return selectors.applications_with_standing(super().get_queryset(request)).order_by(
            "programme", "-grade_rank", "-rating_total", "submitted_at"
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:
            return [*fields, "programme", "enterprise"]
        return fields

    @admin.display(description="信用等级", ordering="grade_rank")
    def grade_display(self, obj):
        if obj.rating_grade == Grade.NOT_GRADED:
            return Grade.NOT_GRADED.label
        return obj.rating_grade or "未评"

    @admin.display(description="评分", ordering="rating_total")
    def total_display(self, obj):
        return obj.rating_total if obj.rating_total is not None else "—"

    @admin.display(description="资格")
    def eligibility_display(self, obj):
        standing = selectors.application_standing(obj)
        min_grade = programme_min_grade(obj.programme)
        if standing.meets(min_grade):
            return format_html('<span style="color:#1e6b34">{}</span>', "符合")
        return format_html(
            '<strong style="color:#a61b1b">不符合</strong>：{}', standing.verdict(min_grade)
        )

    def save_model(self, request, obj, form, change):
        if change:
            services.application_update(actor=request.user, application=obj)
            return
        saved = services.application_submit(
            actor=request.user,
            programme=obj.programme,
            enterprise=obj.enterprise,
            statement=obj.statement,
            contact_person=obj.contact_person,
            contact_phone=form.cleaned_data["contact_phone"],
            places=obj.places,
        )
        obj.pk = saved.pk

    @admin.action(description="同意入选", permissions=["change"])
    def approve(self, request, queryset):
        for application in queryset:
            try:
                services.application_transition(
                    actor=request.user, application=application, to="approved"
                )
            except ValidationError as error:
                self.message_user(
                    request,
                    f"{application.enterprise}：{'；'.join(error.messages)}",
                    messages.ERROR,
                )

    @admin.action(description="不予入选（需填写理由）", permissions=["change"])
    def reject(self, request, queryset):
        return reason_action_page(
            self,
            request,
            queryset,
            title="不予入选",
            action="reject",
            apply=lambda application, reason: services.application_transition(
                actor=request.user, application=application, to="rejected", note=reason
            ),
        )
