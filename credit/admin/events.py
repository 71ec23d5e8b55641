"""The credit file (信用记录): recording an event through the service, and revoking one."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.admin_history import HistoryAdmin

from .. import services
from ..admin_imports import import_urls
from ..models import CreditEvent
from .common import SubjectColumnsMixin

# --- Credit events ---------------------------------------------------------------------------


class CreditEventForm(forms.ModelForm):
    disclosure_days = forms.IntegerField(
        label="公示期（天）",
        required=False,
        min_value=0,
        help_text="留空按最长期限：轻微90天、一般365天、严重1095天。",
    )

    class Meta:
        model = CreditEvent
        fields = [
            "enterprise",
            "worker",
            "kind",
            "severity",
            "occurred_on",
            "title",
            "description",
            "tag",
            "value",
            "legal_basis",
            "authority",
            "evidence",
        ]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("enterprise")) == bool(cleaned.get("worker")):
            raise ValidationError("请选择企业或从业人员中的一个。")
        if cleaned.get("severity") and cleaned.get("occurred_on"):
            try:
                services.disclosure_until(
                    cleaned["severity"], cleaned["occurred_on"], cleaned.get("disclosure_days")
                )
            except ValidationError as exc:
                self.add_error("disclosure_days", exc.messages[0])
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)


@admin.register(CreditEvent)
class CreditEventAdmin(SubjectColumnsMixin, HistoryAdmin):
    form = CreditEventForm
    list_display = [
        "occurred_on",
        "subject_name",
        "kind",
        "severity",
        "title",
        "status",
        "disclosure_until",
        "source",
    ]
    list_filter = [
        "kind",
        "severity",
        "status",
        "source",
        ("enterprise", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["enterprise", "worker"]
    # By subject and by 细分类别 (exactly, through its index). Not by 事由: tens of millions
    # of events a year leave no room for a contains-search of free text without an index of
    # its own; the kind, severity and status filters narrow the list instead.
    search_fields = ["enterprise__name", "=enterprise__uscc", "worker__name", "tag__exact"]
    search_help_text = (
        "可按企业名称、统一社会信用代码、人员姓名、身份证号或细分类别（如“欺诈”）查找；"
        "按事由请用右侧的类别、严重程度和状态筛选。"
    )
    autocomplete_fields = ["enterprise", "worker"]
    date_hierarchy = "occurred_on"
    show_full_result_count = False
    readonly_fields = [
        "status",
        "status_reason",
        "source",
        "source_ref",
        "disclosure_until",
        "recorded_by",
        "created_at",
    ]

    def has_change_permission(self, request, obj=None):
        # A recorded fact is corrected by revoking it and recording the right one.
        return False if obj else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # The import pages come first: the admin's "<path:object_id>/" would catch "import/".
        return [
            *import_urls(self),
            path(
                "<int:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="credit_creditevent_revoke",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        event = services.credit_event_record(
            actor=request.user,
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            title=data["title"],
            enterprise=data.get("enterprise"),
            worker=data.get("worker"),
            severity=data["severity"],
            description=data.get("description", ""),
            tag=data.get("tag", ""),
            value=data.get("value"),
            evidence=data.get("evidence") or None,
            disclosure_days=data.get("disclosure_days"),
            legal_basis=data.get("legal_basis", ""),
            authority=data.get("authority", ""),
        )
        obj.pk = event.pk

    def revoke_view(self, request, object_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        event = get_object_or_404(CreditEvent, pk=object_id)
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.credit_event_revoke(
                actor=request.user, event=event, reason=form.cleaned_data["reason"]
            )
            self.message_user(request, "信用记录已撤销。", messages.SUCCESS)
            return redirect(reverse("admin:credit_creditevent_change", args=[event.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"撤销信用记录：{event}",
            "opts": self.model._meta,
            "form": form,
            "event": event,
        }
        return TemplateResponse(request, "admin/credit/revoke_event.html", context)
