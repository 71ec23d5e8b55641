"""The incentives back office: the catalogue, residents and special groups, the dishonesty
list, participation, redemptions (audit, export, coverage) and support applications
ranked by credit. Admin classes arrange the interface; every write goes through
`incentives.services`."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core import personal_data
from core.admin_history import HistoryAdmin
from core.validators import clean_id_number, clean_phone
from credit.models import Grade
from registry.admin_ledger import xlsx_response
from registry.admin_personal import (
    ProtectedMobileAdmin,
    protected_mobile_clean,
    protected_mobile_form_field,
    protected_mobile_initial,
)

from . import selectors, services
from .models import (
    DishonestyEntry,
    DishonestyListImport,
    GroupMembership,
    IncentiveMeasure,
    Participation,
    Redemption,
    RedemptionItem,
    Resident,
    SpecialGroup,
    SupportApplication,
    SupportProgramme,
)
from .resources import redemptions_export
from .services.dishonesty import dishonesty_import_allowed, dishonesty_template
from .services.support import programme_min_grade


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200)


def _reason_page(model_admin, request, queryset, *, title, action, apply):
    """An intermediate page asking for a reason, then `apply(obj, reason)` for each row."""
    form = ReasonForm(request.POST if "confirm" in request.POST else None)
    if form.is_valid():
        done = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data["reason"])
            except ValidationError as error:
                model_admin.message_user(
                    request, f"{obj}：{'；'.join(error.messages)}", messages.ERROR
                )
            else:
                done += 1
        model_admin.message_user(request, f"{title}：已处理{done}条。", messages.SUCCESS)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "objects": list(queryset),
        "form": form,
        "action": action,
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
    }
    return TemplateResponse(request, "admin/incentives/reason_form.html", context)


# --- Catalogue ---------------------------------------------------------------------------------


@admin.register(SpecialGroup)
class SpecialGroupAdmin(HistoryAdmin):
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
class IncentiveMeasureAdmin(HistoryAdmin):
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
        fields = ["measure", "enterprise", "note"]

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
class ParticipationAdmin(HistoryAdmin):
    form = ParticipationForm
    list_display = ["enterprise", "measure", "status", "joined_at", "withdrawn_at", "note"]
    list_filter = ["status", "measure"]
    list_select_related = ["enterprise", "measure"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
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

    @admin.action(description="退出所选企业的参与", permissions=["change"])
    def withdraw(self, request, queryset):
        for participation in queryset:
            services.participation_withdraw(
                actor=request.user, participation=participation, note="工作人员办理退出"
            )
        self.message_user(request, f"已办理{queryset.count()}家企业退出。", messages.SUCCESS)


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
        value = self.cleaned_data.get("id_number", "").strip()
        if not value:
            if self.instance.pk is None:
                raise ValidationError("请填写身份证号。")
            return ""
        identity = clean_id_number(value)
        digest = personal_data.lookup_hash(identity.number)
        if Resident.objects.filter(id_number_hash=digest).exclude(pk=self.instance.pk).exists():
            raise ValidationError("该身份证号已登记为居民，请勿重复登记。")
        return identity.number

    def clean_mobile(self):
        return protected_mobile_clean(self, "mobile", required=True)


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    fields = ["group", "proof_number", "proof", "valid_from", "valid_to", "verified_at"]
    readonly_fields = ["verified_at"]
    autocomplete_fields = ["group"]


@admin.register(Resident)
class ResidentAdmin(ProtectedMobileAdmin, HistoryAdmin):
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
    list_filter = ["credit_status", "township", "source", "memberships__group"]
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
        return super().get_queryset(request).prefetch_related("memberships__group").distinct()

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
            services.membership_delete(actor=request.user, membership=membership)
        for membership in instances:
            # Staff enter memberships after checking the proof: they count at once.
            services.membership_save(actor=request.user, membership=membership, verified=True)

    @admin.action(description="核实所选居民（企业代为登记的）", permissions=["change"])
    def verify(self, request, queryset):
        for resident in queryset:
            services.resident_verify(actor=request.user, resident=resident)
        self.message_user(request, f"已核实{queryset.count()}位居民。", messages.SUCCESS)


@admin.register(GroupMembership)
class GroupMembershipAdmin(HistoryAdmin):
    list_display = ["resident", "group", "proof_number", "valid_from", "valid_to", "verified_at"]
    list_filter = ["group", ("verified_at", admin.EmptyFieldListFilter)]
    list_select_related = ["resident", "group"]
    search_fields = ["resident__name", "resident__mobile", "proof_number"]
    protected_search_fields = {"id": ("resident__id_number_hash",)}
    autocomplete_fields = ["resident", "group"]
    readonly_fields = ["verified_at", "verified_by"]
    actions = ["verify"]

    def save_model(self, request, obj, form, change):
        services.membership_save(actor=request.user, membership=obj, verified=True)

    @admin.action(description="核实所选认定（已查验证明材料）", permissions=["change"])
    def verify(self, request, queryset):
        for membership in queryset:
            services.membership_verify(actor=request.user, membership=membership)
        self.message_user(request, f"已核实{queryset.count()}条认定。", messages.SUCCESS)


# --- Dishonesty list ---------------------------------------------------------------------------


class DishonestyUploadForm(forms.Form):
    source = forms.CharField(
        label="名单来源", max_length=100, initial="舟曲县人民法院失信被执行人名单"
    )
    list_date = forms.DateField(
        label="名单日期", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    file = forms.FileField(label="Excel文件", help_text="只接受Excel工作簿（.xlsx）。")
    import_id = forms.CharField(required=False, widget=forms.HiddenInput)


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
        return [
            path("upload/", view(self.upload_view), name="incentives_dishonesty_upload"),
            path("template/", view(self.template_view), name="incentives_dishonesty_template"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "upload_url": reverse("admin:incentives_dishonesty_upload"),
            "can_import": dishonesty_import_allowed(request.user),
        }
        return super().changelist_view(request, extra_context)

    def upload_view(self, request):
        if not dishonesty_import_allowed(request.user):
            raise PermissionDenied
        form = DishonestyUploadForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            previewed = form.cleaned_data["import_id"]
            try:
                result = services.dishonesty_list_import(
                    actor=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    source=form.cleaned_data["source"],
                    list_date=form.cleaned_data["list_date"],
                    dry_run=not previewed,
                    previewed_import_id=previewed,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                if result.written:
                    messages.success(request, result.message)
                    return redirect("admin:incentives_dishonestylistimport_changelist")
                if result.ok:
                    form = DishonestyUploadForm(
                        initial={**form.cleaned_data, "import_id": result.import_id}
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": "导入失信名单",
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "preview_headers": ["姓名", "身份证号", "案号", "执行法院", "列入日期"],
            "template_url": reverse("admin:incentives_dishonesty_template"),
        }
        return TemplateResponse(request, "admin/incentives/dishonesty_upload.html", context)

    def template_view(self, request):
        if not dishonesty_import_allowed(request.user):
            raise PermissionDenied
        return xlsx_response(dishonesty_template(), "失信名单导入模板.xlsx")


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
        return _reason_page(
            self,
            request,
            queryset,
            title="移出失信名单",
            action="remove",
            apply=lambda entry, reason: services.dishonesty_entry_remove(
                actor=request.user, entry=entry, reason=reason
            ),
        )


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
    search_fields = ["resident__name", "resident__mobile", "enterprise__name"]
    protected_search_fields = {"id": ("resident__id_number_hash",)}
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
        return _reason_page(
            self,
            request,
            queryset,
            title="作废核销记录",
            action="cancel",
            apply=lambda redemption, reason: services.redemption_cancel(
                actor=request.user, redemption=redemption, reason=reason
            ),
        )


# --- Support and training ----------------------------------------------------------------------


@admin.register(SupportProgramme)
class SupportProgrammeAdmin(HistoryAdmin):
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
class SupportApplicationAdmin(ProtectedMobileAdmin, HistoryAdmin):
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
    search_fields = ["enterprise__name", "enterprise__uscc"]
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
        return _reason_page(
            self,
            request,
            queryset,
            title="不予入选",
            action="reject",
            apply=lambda application, reason: services.application_transition(
                actor=request.user, application=application, to="rejected", note=reason
            ),
        )
