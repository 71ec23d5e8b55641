"""The complaint officers' back office (投诉受理员).

A case's change page is read-only: it shows the case, its deadlines, its timeline (public
progress and internal notes), attachments and messages, and links to the actions the
status machine allows from where the case stands. Each action is a small form page that
calls one service of `complaints.services`, so refusals appear on the form and every
change writes its history (who, when, what).
"""

from functools import partial

from django.contrib import admin
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.admin_workflows import WorkflowAdmin
from core.personal_data import decrypt

from .admin_actions import ACTION_PAGES, ACTIONS
from .admin_forms import StaffComplaintForm
from .admin_reports import report_urls
from .limits import ACCEPTANCE_DAYS, INVESTIGATION_DAYS, MEDIATION_DAYS, NOTIFICATION_DAYS
from .models import Complaint, ComplaintUpdate, DeadlineState, Notification, Status
from .selectors import charge_summary, deadline_status
from .services import (
    complaint_reopen_problems,
    complaint_submit,
    complaint_substantiation_problems,
)
from .services.handling import complaint_allowed
from .timeline import Audience, line_text

STATE_COLOURS = {
    DeadlineState.ON_TIME: "#2e7d32",
    DeadlineState.DUE_SOON: "#b26a00",
    DeadlineState.OVERDUE: "#a61b1b",
    DeadlineState.DONE: "#555",
}


class DeadlineStateFilter(admin.SimpleListFilter):
    title = "办理期限"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            (DeadlineState.OVERDUE, "已超期"),
            (DeadlineState.DUE_SOON, "已用时限70%以上"),
            (self.NEEDS_ATTENTION, "已超期或已用时限70%以上"),
            (DeadlineState.ON_TIME, "正常"),
        ]

    NEEDS_ATTENTION = "attention"  # the dashboard's inbox links here

    def queryset(self, request, queryset):
        if self.value() == self.NEEDS_ATTENTION:
            return queryset.open().filter(
                deadline_state__in=[DeadlineState.DUE_SOON, DeadlineState.OVERDUE]
            )
        if self.value():
            return queryset.open().filter(deadline_state=self.value())
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = "是否办结"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("1", "办理中"), ("0", "已办结或转办")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.open()
        if self.value() == "0":
            return queryset.filter(status__in=[Status.CLOSED, Status.REFERRED])
        return queryset


@admin.register(Complaint)
class ComplaintAdmin(WorkflowAdmin):
    list_display = [
        "tracking_number",
        "received",
        "channel",
        "case_type",
        "category_column",
        "enterprise_column",
        "township",
        "status",
        "due_column",
        "officer",
        "substantiated",
    ]
    list_filter = [
        OpenFilter,
        "status",
        DeadlineStateFilter,
        "case_type",
        "channel",
        "category",
        "report_category",
        "price_finding",
        "substantiated",
        "township",
        ("officer", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["enterprise", "township", "officer"]
    search_fields = ["=tracking_number", "complainant_name", "enterprise__name", "enterprise_text"]
    protected_search_fields = {"mobile": ("phone_hash",)}
    search_help_text = "可按投诉编号、投诉人姓名或企业名称查找。"
    date_hierarchy = "received_at"
    fieldsets = [
        (
            "办理",
            {
                "fields": [
                    "tracking_number",
                    "case_type",
                    "channel",
                    "status",
                    "deadlines",
                    "officer",
                    "handling_links",
                ]
            },
        ),
        (
            "投诉人",
            {"fields": ["complainant_name", "complainant_phone", "email", "township"]},
        ),
        (
            "投诉内容",
            {
                "fields": [
                    "enterprise_column",
                    "subject_address",
                    "worker",
                    "reported_card",
                    "service_date",
                    "service_category",
                    "category_column",
                    "charge_column",
                    "description",
                    "desired_outcome",
                    "attachment_links",
                    "received_at",
                ]
            },
        ),
        (
            "企业答复",
            {"fields": ["response_due", "enterprise_response", "responded_at"]},
        ),
        (
            "结果",
            {
                "fields": [
                    "not_accepted_reason",
                    "referral",
                    "agreement",
                    "outcome",
                    "substantiated",
                    "satisfaction_column",
                ]
            },
        ),
        ("办理过程", {"fields": ["timeline", "message_list"]}),
    ]
    readonly_fields = [
        "tracking_number",
        "case_type",
        "channel",
        "status",
        "deadlines",
        "officer",
        "handling_links",
        "complainant_name",
        "complainant_phone",
        "email",
        "township",
        "enterprise_column",
        "subject_address",
        "worker",
        "reported_card",
        "service_date",
        "service_category",
        "category_column",
        "charge_column",
        "description",
        "desired_outcome",
        "attachment_links",
        "received_at",
        "response_due",
        "enterprise_response",
        "responded_at",
        "not_accepted_reason",
        "referral",
        "agreement",
        "outcome",
        "substantiated",
        "satisfaction_column",
        "timeline",
        "message_list",
    ]

    def get_urls(self):
        opts = self.model._meta
        actions = [
            path(
                f"<int:object_id>/{suffix}/",
                self.admin_site.admin_view(partial(self.action_view, suffix=suffix)),
                name=f"{opts.app_label}_{opts.model_name}_{suffix}",
            )
            for suffix in ACTION_PAGES
        ]
        return [*report_urls(self.admin_site), *actions, *super().get_urls()]

    # Cases received by phone, in person, by letter or from 12345/12315 are entered here
    # (complaints.add_complaint) and go through the same intake service as the public form.
    add_fields = ("channel",)
    add_title = "登记电话、来访、来信或转来的投诉/举报"
    add_submit_label = "登记并发送投诉编号"

    def add_form_class(self, request):
        return StaffComplaintForm

    def add_perform(self, request, data: dict):
        skip = ("enterprise", "enterprise_text", "agreement_number")
        fields = {k: v for k, v in data.items() if k not in skip}
        result = complaint_submit(
            **fields,
            enterprise=data["enterprise"],
            enterprise_text="" if data["enterprise"] else data["enterprise_text"],
            actor=request.user,
        )
        complaint = result.complaint
        word = complaint.case_word
        if not result.created:
            return complaint, f"该{word}已登记过，编号{complaint.tracking_number}。"
        return complaint, f"已登记，{word}编号{complaint.tracking_number}，已短信告知{word}人。"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("enterprise", "township", "officer", "worker", "service_category")
        )

    # --- Columns ------------------------------------------------------------------------

    @admin.display(description="收到时间", ordering="received_at")
    def received(self, obj: Complaint):
        return timezone.localtime(obj.received_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="被投诉企业")
    def enterprise_column(self, obj: Complaint):
        if obj.enterprise_id:
            return obj.enterprise.name
        return format_html(
            "{}<br><small>（投诉人填写，未关联登记企业）</small>", obj.enterprise_text
        )

    @admin.display(description="类别")
    def category_column(self, obj: Complaint):
        return obj.category_label

    @admin.display(description="当前期限", ordering="deadline_state")
    def due_column(self, obj: Complaint):
        due = obj.current_due
        if obj.status == Status.CLOSED or due is None:
            return "—"
        state = DeadlineState(obj.deadline_state)
        return format_html(
            '<span style="color:{};font-weight:700">{}（{}）</span>',
            STATE_COLOURS[state],
            due.strftime("%Y-%m-%d"),
            state.label,
        )

    @admin.display(description="期限")
    def deadlines(self, obj: Complaint):
        status = deadline_status(obj, timezone.localdate())
        rows = [(f"受理决定（{ACCEPTANCE_DAYS}个工作日）", obj.acceptance_due, obj.decided_at)]
        if obj.mediation_due:
            rows.append(
                (f"调解（{MEDIATION_DAYS}个工作日）", obj.mediation_due, obj.mediation_ended_at)
            )
        if obj.investigation_due:
            rows.append(
                (f"调查核实（{INVESTIGATION_DAYS}个工作日）", obj.investigation_due, obj.closed_at)
            )
        if obj.notification_due:
            rows.append(
                (f"告知办结（{NOTIFICATION_DAYS}个工作日）", obj.notification_due, obj.closed_at)
            )
        lines = format_html_join(
            "",
            "<li>{}：期限 {}{}</li>",
            (
                (
                    label,
                    due.strftime("%Y-%m-%d"),
                    f"，已于 {timezone.localtime(done):%Y-%m-%d} 完成" if done else "",
                )
                for label, due, done in rows
            ),
        )
        if status.state == DeadlineState.DONE:
            current = "已办结"
        else:
            current = (
                f"当前阶段：{status.stage_label}，已用{status.used_days}/{status.limit_days}"
                f"个工作日（{DeadlineState(status.state).label}）"
            )
        return format_html("<ul>{}</ul><p><strong>{}</strong></p>", lines, current)

    @admin.display(description="转办")
    def referral(self, obj: Complaint):
        if not obj.referred_to:
            return "—"
        return f"{obj.referred_on:%Y-%m-%d} 转{obj.referred_to_label}。{obj.referral_note}"

    @admin.display(description="手机号码")
    def complainant_phone(self, obj: Complaint):
        return obj.phone_masked

    @admin.display(description="手机号码")
    def complainant_phone_full(self, obj: Complaint):
        return decrypt(obj.phone_encrypted)

    @admin.display(description="收费情况")
    def charge_column(self, obj: Complaint):
        lines = charge_summary(obj)
        if not lines:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}：{}", lines)

    def get_fieldsets(self, request, obj=None):
        """Officers who handle cases call the complainant and act on the case: they see the
        full number and the action links; readers (领导) see the number masked."""
        if not self.has_handle_permission(request):
            return [
                (name, {"fields": [f for f in opts["fields"] if f != "handling_links"]})
                for name, opts in self.fieldsets
            ]
        return [
            (
                name,
                {
                    "fields": [
                        "complainant_phone_full" if f == "complainant_phone" else f
                        for f in opts["fields"]
                    ]
                },
            )
            for name, opts in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "complainant_phone_full"]

    @admin.display(description="附件")
    def attachment_links(self, obj: Complaint):
        attachments = list(obj.attachments.all())
        if not attachments:
            return "无"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}" target="_blank" rel="noopener">{}</a>（{}）',
            (
                (a.file.url, a.original_name or a.file.name, a.get_source_display())
                for a in attachments
            ),
        )

    @admin.display(description="满意度")
    def satisfaction_column(self, obj: Complaint):
        if obj.satisfaction is None:
            return "未评价"
        return f"{obj.satisfaction}分 {obj.satisfaction_comment}".strip()

    @admin.display(description="办理记录")
    def timeline(self, obj: Complaint):
        updates = obj.updates.select_related("author").order_by("created_at", "id")
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} {} <strong>[{}]</strong> {}</li>",
                (
                    (
                        timezone.localtime(u.created_at).strftime("%Y-%m-%d %H:%M"),
                        (u.author.get_full_name() or u.author.get_username())
                        if u.author
                        else "系统",
                        "公开" if u.visibility == ComplaintUpdate.Visibility.PUBLIC else "内部",
                        line_text(u, Audience.STAFF),
                    )
                    for u in updates
                ),
            ),
        )

    @admin.display(description="通知")
    def message_list(self, obj: Complaint):
        rows = obj.notifications.order_by("created_at", "id")
        if not rows:
            return "无"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {} {}（{}）：{}</li>",
                (
                    (
                        timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M"),
                        n.get_recipient_display(),
                        n.get_channel_display(),
                        n.get_status_display(),
                        n.body,
                    )
                    for n in rows
                ),
            ),
        )

    @admin.display(description="办理操作")
    def handling_links(self, obj: Complaint):
        allowed = complaint_allowed(obj)
        links = [(suffix, label) for suffix, label, to in ACTIONS if to in allowed]
        if not complaint_reopen_problems(obj):
            links.append(("reopen", "重新办理"))
        if not complaint_substantiation_problems(obj):
            links.append(("substantiation", "变更属实认定"))
        links += [("assign", "分配承办人"), ("note", "添加记录")]
        return self.workflow_links(obj, links)

    # --- Action pages -------------------------------------------------------------------

    def _summary(self, complaint: Complaint):
        return [
            ("投诉编号", complaint.tracking_number),
            ("状态", complaint.get_status_display()),
            ("被投诉企业", complaint.enterprise_label),
            ("类别", complaint.category_label),
            ("投诉事由", complaint.description),
            ("诉求", complaint.desired_outcome),
        ]

    def action_view(self, request, object_id: int, *, suffix: str):
        page = ACTION_PAGES[suffix]
        complaint = self.handled_object(request, object_id)
        form = page.form(request.POST or None)
        return self.workflow_page(
            request,
            title=f"{page.title}：{complaint.tracking_number}",
            form=form,
            perform=lambda data: (
                page.perform(request.user, complaint, data),
                f"{page.title}已完成。",
            ),
            obj=complaint,
            summary=self._summary(complaint),
            submit_label=page.submit,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["complaint", "recipient", "channel", "status", "attempts", "created_at"]
    list_filter = ["status", "channel", "recipient"]
    list_select_related = ["complaint"]
    search_fields = ["=complaint__tracking_number"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
