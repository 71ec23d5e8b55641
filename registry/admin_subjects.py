"""The back office of enterprises and workers: their change pages with inlines, and their
dossier pages composed of the registered sections (registry.dossier)."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from core import personal_data
from core.admin_scale import LoadedAutocompleteInlineMixin, subquery_search
from core.client_ip import client_ip
from core.validators import clean_id_number

from . import selectors, services
from .admin_base import CompletenessFilter, RegistryAdmin, SensitiveAdminMixin, validity_badge
from .admin_personal import (
    ProtectedMobileAdmin,
    RevealForm,
    protected_id_number_clean,
    protected_mobile_clean,
    protected_mobile_form_field,
    protected_mobile_initial,
)
from .dossier import ENTERPRISE, WORKER, sections_for
from .models import (
    BackgroundCheck,
    Employment,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    ServiceOffering,
    SkillCertificate,
    TrainingRecord,
    Worker,
)

# --- Inlines ------------------------------------------------------------------------------


class QualificationInline(admin.TabularInline):
    model = EnterpriseQualification
    extra = 0
    fields = [
        "kind",
        "name",
        "number",
        "issuer",
        "valid_from",
        "valid_to",
        "scan",
        "verified",
        "validity",
    ]
    readonly_fields = ["validity"]


class OfferingInline(LoadedAutocompleteInlineMixin, admin.TabularInline):
    model = ServiceOffering
    extra = 0
    fields = ["category", "price", "note", "is_active"]
    autocomplete_fields = ["category"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category", "enterprise")


class EnterpriseEmploymentInline(LoadedAutocompleteInlineMixin, admin.TabularInline):
    model = Employment
    extra = 0
    fields = ["worker", "position", "started_on", "ended_on", "end_reason"]
    autocomplete_fields = ["worker"]
    verbose_name_plural = "从业人员（在职与离职）"

    def get_queryset(self, request):
        # The row's label names both the worker and the enterprise.
        return super().get_queryset(request).select_related("worker", "enterprise")


class WorkerEmploymentInline(EnterpriseEmploymentInline):
    fields = ["enterprise", "position", "started_on", "ended_on", "end_reason"]
    autocomplete_fields = ["enterprise"]
    verbose_name_plural = "从业经历"


class HealthCertificateInline(SensitiveAdminMixin, admin.TabularInline):
    model = HealthCertificate
    extra = 0
    fields = ["number", "issuer", "valid_from", "valid_to", "scan", "verified", "validity"]
    readonly_fields = ["validity"]


class BackgroundCheckInline(SensitiveAdminMixin, admin.TabularInline):
    model = BackgroundCheck
    extra = 0
    fields = ["result", "checked_on", "checked_by", "certificate_number", "note", "scan"]


class TrainingInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0
    fields = ["course", "provider", "hours", "completed_on", "certificate", "verified"]


class SkillInline(admin.TabularInline):
    model = SkillCertificate
    extra = 0
    fields = ["occupation", "level", "number", "issuer", "issued_on", "scan", "verified"]


# --- Dossier pages ------------------------------------------------------------------------


class DossierAdminMixin:
    dossier_subject_type: str

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:object_id>/dossier/",
                self.admin_site.admin_view(self.dossier_view),
                name=f"{info[0]}_{info[1]}_dossier",
            ),
            path(
                "<int:object_id>/dossier/print/",
                self.admin_site.admin_view(self.dossier_view),
                {"printable": True},
                name=f"{info[0]}_{info[1]}_dossier_print",
            ),
            *super().get_urls(),
        ]

    # Set by each admin: the subject's model, the selector of the subject's related lists its
    # dossier shows (read with the sections' lists in one query) and the one that lists
    # what its dossier lacks.
    dossier_relations: Callable[[], dict]
    dossier_missing_items: Callable[[object], list[str]]

    def dossier_extra_context(self, request, subject) -> dict:
        return {}

    def dossier_view(self, request, object_id: int, printable: bool = False):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            subject = self.model.objects.select_related("township").get(pk=object_id)
        except self.model.DoesNotExist:
            return redirect(reverse(f"admin:registry_{self.model._meta.model_name}_changelist"))
        info = self.model._meta.app_label, self.model._meta.model_name
        kind = "企业" if self.dossier_subject_type == ENTERPRISE else "从业人员"
        title = f"{subject.name} · {kind}档案"
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subject": subject,
            "subject_name": subject.name,
            "opts": self.model._meta,
            "missing": self.dossier_missing_items(subject),
            "dossier_links": not printable,
            "changelist_url": reverse(f"admin:{info[0]}_{info[1]}_changelist"),
            "change_url": reverse(f"admin:{info[0]}_{info[1]}_change", args=[subject.pk]),
            "history_url": reverse(f"admin:{info[0]}_{info[1]}_history", args=[subject.pk]),
            "print_url": reverse(f"admin:{info[0]}_{info[1]}_dossier_print", args=[subject.pk]),
        }
        extra = {} if printable else self.dossier_extra_context(request, subject)
        context["sections"] = sections_for(
            self.dossier_subject_type,
            subject,
            request,
            relations=self.dossier_relations(),
            dossier_links=not printable,
            reveal_url=extra.get("reveal_url"),
            mobile_reveal_url=extra.get("mobile_reveal_url"),
        )
        template = "registry/dossier_print.html" if printable else "admin/registry/dossier.html"
        return TemplateResponse(request, template, context)

    @admin.display(description="档案")
    def dossier_link(self, obj):
        info = self.model._meta.app_label, self.model._meta.model_name
        return format_html(
            '<a href="{}">查看档案</a>',
            reverse(f"admin:{info[0]}_{info[1]}_dossier", args=[obj.pk]),
        )

    @admin.display(description="证件状态", ordering="document_status")
    def document_badge(self, obj):
        return validity_badge(obj.document_status)

    @admin.display(description="完整度", ordering="completeness")
    def completeness_display(self, obj):
        return f"{obj.completeness}%"

    @admin.action(description="标记为已核实（档案信息仍然真实有效）", permissions=["change"])
    def confirm_records(self, request, queryset):
        for subject in queryset:
            services.record_confirm(actor=request.user, subject=subject)
        self.message_user(request, f"已核实 {queryset.count()} 份档案。", messages.SUCCESS)


# --- Enterprises --------------------------------------------------------------------------


@admin.register(Enterprise)
class EnterpriseAdmin(DossierAdminMixin, RegistryAdmin):
    dossier_subject_type = ENTERPRISE
    list_display = [
        "name",
        "uscc",
        "kind",
        "township",
        "business_status",
        "document_badge",
        "completeness_display",
        "is_stale",
        "dossier_link",
    ]
    list_filter = [
        "township",
        "kind",
        "business_status",
        "document_status",
        CompletenessFilter,
        "is_stale",
    ]
    list_select_related = ["township"]
    search_fields = ["name", "=uscc", "phone", "legal_representative"]
    autocomplete_fields = ["township"]
    readonly_fields = [
        "document_status",
        "completeness",
        "last_confirmed_at",
        "is_stale",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "kind",
                    "uscc",
                    "legal_representative",
                    "business_status",
                    "established_on",
                    "business_scope",
                ]
            },
        ),
        (
            "联系与地址",
            {
                "fields": [
                    "township",
                    "business_address",
                    "registered_address",
                    "phone",
                    "contact_person",
                    "email",
                ]
            },
        ),
        (
            "档案状态",
            {
                "fields": [
                    "document_status",
                    "completeness",
                    "last_confirmed_at",
                    "is_stale",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [QualificationInline, OfferingInline, EnterpriseEmploymentInline]
    actions = ["confirm_records"]

    def save_model(self, request, obj, form, change):
        services.enterprise_save(actor=request.user, enterprise=obj)

    dossier_relations = staticmethod(selectors.enterprise_dossier_relations)
    dossier_missing_items = staticmethod(selectors.enterprise_missing_items)


# --- Workers ------------------------------------------------------------------------------


class WorkerAdminForm(forms.ModelForm):
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        required=False,
        help_text="出生日期和性别由身份证号自动得出。修改已有档案时留空表示不变。",
    )

    class Meta:
        model = Worker
        fields = ["name", "ethnicity", "township", "address", "education", "photo"]

    phone = protected_mobile_form_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        protected_mobile_initial(self, "phone")

    def clean_id_number(self):
        identity = protected_id_number_clean(
            self, duplicate_message="该身份证号已登记在档，请勿重复建档。"
        )
        if identity is None:
            return ""
        services.worker_identity_apply(self.instance, identity)
        return identity.number

    def clean_phone(self):
        return protected_mobile_clean(self, "phone")


@admin.register(Worker)
class WorkerAdmin(ProtectedMobileAdmin, DossierAdminMixin, RegistryAdmin):
    dossier_subject_type = WORKER
    form = WorkerAdminForm
    list_display = [
        "name",
        "id_number_masked",
        "gender",
        "ethnicity",
        "current_employer",
        "document_badge",
        "completeness_display",
        "is_stale",
        "dossier_link",
    ]
    list_filter = [
        "township",
        "gender",
        "ethnicity",
        "document_status",
        CompletenessFilter,
        "is_stale",
    ]
    list_select_related = ["township"]
    search_fields = ["name", "phone_masked", "=id_last4"]
    protected_search_fields = {"id": ("id_number_hash",), "mobile": ("phone_hash",)}
    search_help_text = "可按姓名、手机号、身份证后四位或完整身份证号查找。"
    autocomplete_fields = ["township"]
    readonly_fields = [
        "id_number_masked",
        "gender",
        "birth_date",
        "document_status",
        "completeness",
        "last_confirmed_at",
        "is_stale",
        "created_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "id_number",
                    "id_number_masked",
                    "gender",
                    "birth_date",
                    "ethnicity",
                    "education",
                    "photo",
                ]
            },
        ),
        ("联系方式", {"fields": ["phone", "township", "address"]}),
        (
            "档案状态",
            {
                "fields": [
                    "document_status",
                    "completeness",
                    "last_confirmed_at",
                    "is_stale",
                    "created_at",
                ]
            },
        ),
    ]
    inlines = [
        WorkerEmploymentInline,
        HealthCertificateInline,
        BackgroundCheckInline,
        TrainingInline,
        SkillInline,
    ]
    actions = ["confirm_records"]

    def get_queryset(self, request):
        employer = Employment.objects.current().filter(worker=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(current_employer_name=Subquery(employer.values("enterprise__name")[:1]))
        )

    @admin.display(description="当前单位")
    def current_employer(self, obj):
        return obj.current_employer_name or "—"

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
        # The site's default search (a short name through its index: core.search).
        return subquery_search(self)(request, queryset, search_term)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/reveal-id/",
                self.admin_site.admin_view(self.reveal_view),
                name="registry_worker_reveal_id",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        services.worker_save(actor=request.user, worker=obj)

    dossier_relations = staticmethod(selectors.worker_dossier_relations)
    dossier_missing_items = staticmethod(selectors.worker_missing_items)

    def dossier_extra_context(self, request, subject):
        extra = {"mobile_reveal_url": self.mobile_reveal_url(request, subject)}
        if request.user.has_perm("registry.reveal_id_number"):
            extra["reveal_url"] = reverse("admin:registry_worker_reveal_id", args=[subject.pk])
        return extra

    @method_decorator(never_cache)
    def reveal_view(self, request, object_id: int):
        if not request.user.has_perm("registry.reveal_id_number"):
            raise PermissionDenied
        worker = get_object_or_404(Worker, pk=object_id)
        form = RevealForm(request.POST or None)
        number = None
        if request.method == "POST" and form.is_valid():
            number = services.worker_reveal_id_number(
                actor=request.user,
                worker=worker,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"查看 {worker.name} 的完整身份证号",
            "opts": self.model._meta,
            "worker": worker,
            "form": form,
            "number": number,
        }
        return TemplateResponse(request, "admin/registry/reveal_id.html", context)
