"""The bureau's back office for home-service cards: issue a card for a worker's current
employment, revoke or reissue selected cards (with a reason), and see who did what (历史).
Every write goes through `registry.services.cards`; cards are never deleted."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from core.admin_history import HistoryAdmin

from .models import Employment, WorkerCard
from .services import cards as card_services
from .verification import card_issue_warnings


class CardStatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("valid", "有效"), ("revoked", "已作废")]

    def queryset(self, request, queryset):
        if self.value() == "valid":
            return queryset.valid()
        if self.value() == "revoked":
            return queryset.invalid()
        return queryset


class CardIssueForm(forms.ModelForm):
    """Pick the worker; the employer is their current one, or chosen on a second step when
    they work for several enterprises at once."""

    warnings_confirmed = forms.BooleanField(
        label="已知晓问题，仍然发证",
        required=False,
        help_text="该人员缺少照片、有效健康证或无犯罪记录核查时，须勾选此项才能发证。",
    )

    class Meta:
        model = WorkerCard
        fields = ["worker", "employment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worker_id = str(self.data.get("worker", "")) if self.is_bound else ""
        field = self.fields["employment"]
        field.required = False
        field.label = "发证企业"
        field.help_text = "该人员同时在多家企业在职时选择。"
        field.queryset = (
            Employment.objects.current().filter(worker_id=worker_id)
            if worker_id.isdecimal()
            else Employment.objects.none()
        ).select_related("enterprise")
        field.label_from_instance = lambda e: f"{e.enterprise.name}（{e.started_on}入职）"

    def clean(self):
        cleaned = super().clean()
        worker, employment = cleaned.get("worker"), cleaned.get("employment")
        if worker is not None and employment is None:
            current = list(worker.employments.current()[:2])
            if not current:
                raise ValidationError("该人员目前没有在职记录，不能发放服务证。")
            if len(current) > 1:
                self.add_error("employment", "该人员在多家企业在职，请选择发证企业。")
            else:
                cleaned["employment"] = current[0]
        employment = cleaned.get("employment")
        if employment is not None:
            problem = card_services.card_issue_problem(employment)
            if problem:
                raise ValidationError(problem)
            warnings = card_issue_warnings(employment)
            if warnings and not cleaned.get("warnings_confirmed"):
                self.add_error(
                    "warnings_confirmed",
                    ["现在发证，居民扫码时会看到下列问题：", *warnings, "确需发证请勾选此项。"],
                )
        return cleaned

    def _post_clean(self):
        # The card's number and token are drawn by the service, not by this form.
        pass


class CardActionForm(ActionForm):
    reason = forms.CharField(label="原因", max_length=100, required=False)


@admin.register(WorkerCard)
class WorkerCardAdmin(HistoryAdmin):
    list_display = [
        "number",
        "worker_name",
        "enterprise_name",
        "issued_at",
        "issued_by",
        "status",
        "revoked_reason",
        "verify_link",
    ]
    list_filter = [CardStatusFilter, "issued_at"]
    list_select_related = ["worker", "employment__enterprise", "issued_by"]
    search_fields = ["=number", "worker__name", "employment__enterprise__name"]
    protected_search_fields = {"id": ("worker__id_number_hash",)}
    autocomplete_fields = ["worker"]
    show_full_result_count = False
    list_per_page = 50
    action_form = CardActionForm
    actions = ["revoke_cards", "reissue_cards"]
    form = CardIssueForm

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        # The issuing form picks a worker and an employer; an issued card is only shown.
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["number", "worker", "employment", "issued_at", "issued_by", "revoked_at",
                "revoked_reason"]  # fmt: skip

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["worker", "employment", "warnings_confirmed"]
        return self.get_readonly_fields(request, obj)

    def save_form(self, request, form, change):
        if change:
            return form.instance  # nothing on a card is edited by hand
        return card_services.card_issue(
            actor=request.user,
            employment=form.cleaned_data["employment"],
            warnings_confirmed=form.cleaned_data["warnings_confirmed"],
        )

    def save_model(self, request, obj, form, change):
        """The card was written by the service in save_form."""

    def save_related(self, request, form, formsets, change):
        """A card has no related rows to save."""

    @admin.display(description="姓名", ordering="worker__name")
    def worker_name(self, obj):
        return obj.worker.name

    @admin.display(description="企业")
    def enterprise_name(self, obj):
        return obj.employment.enterprise.name

    @admin.display(description="状态", ordering="revoked_at")
    def status(self, obj):
        if obj.is_valid:
            return format_html('<strong style="color:#1e6b34">{}</strong>', "有效")
        return format_html('<strong style="color:#a61b1b">{}</strong>', "已作废")

    @admin.display(description="核验页")
    def verify_link(self, obj):
        if not obj.is_valid:
            return "—"
        url = reverse("verify", kwargs={"token": obj.token})
        return format_html('<a href="{}" target="_blank" rel="noopener">查看</a>', url)

    def _each(self, request, queryset, write, done: str):
        count, errors = 0, []
        for card in queryset.select_related("employment"):
            try:
                write(card)
            except ValidationError as exc:
                errors.append(f"{card.number}：{'；'.join(exc.messages)}")
            else:
                count += 1
        if count:
            self.message_user(request, done.format(count=count), messages.SUCCESS)
        for error in errors:
            self.message_user(request, error, messages.ERROR)

    @admin.action(description="作废所选服务证（请在“原因”中填写）", permissions=["change"])
    def revoke_cards(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "请在“原因”中填写作废原因。", messages.ERROR)
            return
        self._each(
            request,
            queryset,
            lambda card: card_services.card_revoke(actor=request.user, card=card, reason=reason),
            "已作废 {count} 张服务证。",
        )

    @admin.action(description="补发所选服务证（原证作废）", permissions=["add"])
    def reissue_cards(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        self._each(
            request,
            queryset.unrevoked(),
            lambda card: card_services.card_reissue(actor=request.user, card=card, reason=reason),
            "已补发 {count} 张服务证，原证已作废。",
        )
