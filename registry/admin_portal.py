"""Back-office pages of the enterprise portal: opening portal accounts for an enterprise
(with the one-time link that lets the person set a password), sending a new link,
deactivating an account, and reviewing the changes enterprises ask for.

Change pages are read-only; every change is a small form page that calls one service
(registry.services.accounts, registry.services.changes), so the rules live there and a
refusal is shown on the form."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.cache import never_cache

from core.admin_workflows import WorkflowAdmin
from core.form_errors import add_service_errors
from core.links import absolute_url
from core.validators import clean_mobile

from .admin_personal import ProtectedMobileAdmin
from .models import ChangeRequest, Enterprise, PortalAccount
from .services import accounts, changes


def link_validity() -> str:
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    return f"{hours // 24}天" if hours % 24 == 0 else f"{hours}小时"


# --- Portal accounts -------------------------------------------------------------------------


class PortalAccountCreateForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, help_text="登录用，可用字母、数字和 @ . + - _。"
    )
    mobile = forms.CharField(
        label="手机号码", max_length=20, help_text="也可用手机号码代替用户名登录。"
    )
    full_name = forms.CharField(label="姓名", max_length=150, required=False)
    role = forms.ChoiceField(
        label="角色",
        choices=PortalAccount.Role.choices,
        initial=PortalAccount.Role.OWNER,
        widget=forms.RadioSelect,
        help_text="负责人可管理本企业的其他账号；工作人员可维护档案、人员和价格。",
    )

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data.get("mobile", ""))


@admin.register(PortalAccount)
class PortalAccountAdmin(ProtectedMobileAdmin, WorkflowAdmin):
    protected_mobile_field = "mobile"
    list_display = [
        "username",
        "full_name",
        "enterprise",
        "role",
        "mobile_masked",
        "is_active",
        "last_login",
        "created_at",
        "handle",
    ]
    list_filter = ["role", "user__is_active", ("enterprise", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "enterprise"]
    search_fields = [
        "user__username",
        "user__first_name",
        "mobile_masked",
        "enterprise__name",
        "=enterprise__uscc",
    ]
    protected_search_fields = {"mobile": ("mobile_hash",)}
    search_help_text = "可按用户名、姓名、手机号码、企业名称或统一社会信用代码查找。"
    fields = [
        "username",
        "full_name",
        "enterprise",
        "role",
        "mobile_masked",
        "is_active",
        "last_login",
        "created_at",
        "created_by",
        "handle",
    ]
    readonly_fields = fields
    actions = ["send_password_links", "deactivate_accounts"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "create/<int:enterprise_id>/",
                view(self.create_view),
                name="registry_portalaccount_create",
            ),
            path(
                "<int:object_id>/password-link/",
                view(self.password_link_view),
                name="registry_portalaccount_password_link",
            ),
            path(
                "<int:object_id>/deactivate/",
                view(self.deactivate_view),
                name="registry_portalaccount_deactivate",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="用户名", ordering="user__username")
    def username(self, obj: PortalAccount) -> str:
        return obj.user.get_username()

    @admin.display(description="姓名")
    def full_name(self, obj: PortalAccount) -> str:
        return obj.user.first_name or "—"

    @admin.display(description="启用", boolean=True, ordering="user__is_active")
    def is_active(self, obj: PortalAccount) -> bool:
        return obj.user.is_active

    @admin.display(description="最近登录", ordering="user__last_login")
    def last_login(self, obj: PortalAccount):
        return obj.user.last_login

    @admin.display(description="操作")
    def handle(self, obj: PortalAccount):
        if not obj.user.is_active:
            return "已停用"
        links = [
            (
                reverse("admin:registry_portalaccount_password_link", args=[obj.pk]),
                "重新发送设置密码链接",
            ),
            (reverse("admin:registry_portalaccount_deactivate", args=[obj.pk]), "停用"),
        ]
        return format_html_join(" | ", '<a href="{}">{}</a>', links)

    def _link_page(self, request, rows, title: str):
        return self.page(
            request,
            "admin/registry/portalaccount/links.html",
            title=title,
            rows=rows,
            validity=link_validity(),
        )

    @method_decorator(never_cache)
    def create_view(self, request, enterprise_id: int):
        if not self.has_handle_permission(request) or not request.user.has_perm(
            "registry.add_portalaccount"
        ):
            raise PermissionDenied
        enterprise = get_object_or_404(Enterprise, pk=enterprise_id)
        form = PortalAccountCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                account, link = accounts.portal_account_create(
                    actor=request.user,
                    enterprise=enterprise,
                    username=data["username"],
                    mobile=data["mobile"],
                    full_name=data["full_name"],
                    role=data["role"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self._link_page(
                    request,
                    [(account, absolute_url(request, link))],
                    title=f"已开通企业平台账号：{enterprise.name}",
                )
        return self.page(
            request,
            "admin/registry/portalaccount/create.html",
            title=f"开通企业平台账号：{enterprise.name}",
            enterprise=enterprise,
            form=form,
            existing=PortalAccount.objects.filter(enterprise=enterprise).select_related("user"),
        )

    @method_decorator(never_cache)
    def password_link_view(self, request, object_id: int):
        account = self.handled_object(request, object_id)
        if request.method == "POST":
            link = accounts.portal_account_password_link(actor=request.user, account=account)
            return self._link_page(
                request,
                [(account, absolute_url(request, link))],
                title=f"设置密码链接：{account.user.get_username()}",
            )
        return self.page(
            request,
            "admin/registry/portalaccount/confirm.html",
            title=f"重新发送设置密码链接：{account.user.get_username()}",
            obj=account,
            account=account,
            message="生成新链接后，该账号的原密码立即失效，须用新链接重新设置密码后才能登录。",
            submit_label="生成新链接",
        )

    def deactivate_view(self, request, object_id: int):
        account = self.handled_object(request, object_id)
        if request.method == "POST":
            accounts.portal_account_deactivate(actor=request.user, account=account)
            self.message_user(
                request, f"已停用账号{account.user.get_username()}。", messages.SUCCESS
            )
            return redirect(reverse("admin:registry_portalaccount_change", args=[account.pk]))
        return self.page(
            request,
            "admin/registry/portalaccount/confirm.html",
            title=f"停用企业平台账号：{account.user.get_username()}",
            obj=account,
            account=account,
            message="停用后该账号不能再登录企业服务平台（如需恢复，请重新开通账号）。",
            submit_label="确认停用",
        )

    @admin.action(description="重新发送设置密码链接（原密码失效）", permissions=["handle"])
    def send_password_links(self, request, queryset):
        rows = [
            (
                account,
                absolute_url(
                    request,
                    accounts.portal_account_password_link(actor=request.user, account=account),
                ),
            )
            for account in queryset.select_related("user", "enterprise")
            if account.user.is_active
        ]
        return self._link_page(request, rows, title="设置密码链接")

    @admin.action(description="停用所选账号", permissions=["handle"])
    def deactivate_accounts(self, request, queryset):
        count = 0
        for account in queryset.select_related("user"):
            if account.user.is_active:
                accounts.portal_account_deactivate(actor=request.user, account=account)
                count += 1
        self.message_user(request, f"已停用{count}个账号。", messages.SUCCESS)


# --- Change requests -------------------------------------------------------------------------


class ChangeDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="审核结果",
        choices=[("approve", "通过，更新档案"), ("reject", "不予通过")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="审核意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="不予通过时必须填写原因，企业将在平台上看到。",
    )


def diff_table(change_request: ChangeRequest):
    rows = changes.change_request_diff(change_request)
    body = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td><strong>{}</strong>{}</td></tr>",
        (
            (
                row.label,
                row.old,
                row.new,
                format_html(' <span style="color:#a61b1b">（{}）</span>', row.warning)
                if row.warning
                else "",
            )
            for row in rows
        ),
    )
    return format_html(
        '<table class="change-diff"><thead><tr><th>字段</th><th>原值</th><th>新值</th></tr>'
        "</thead><tbody>{}</tbody></table>",
        body,
    )


@admin.register(ChangeRequest)
class ChangeRequestAdmin(WorkflowAdmin):
    list_display = [
        "enterprise",
        "kind",
        "submitted_at",
        "submitted_by",
        "status",
        "decided_by",
        "decided_at",
        "handle",
    ]
    list_filter = ["status", "kind", ("enterprise", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["enterprise", "submitted_by", "decided_by"]
    search_fields = ["enterprise__name", "=enterprise__uscc"]
    search_help_text = "可按企业名称或统一社会信用代码查找。"
    date_hierarchy = "submitted_at"
    fields = [
        "enterprise",
        "kind",
        "status",
        "submitted_by",
        "submitted_at",
        "diff",
        "attachment_link",
        "decided_by",
        "decided_at",
        "reason",
        "handle",
    ]
    readonly_fields = fields

    def get_urls(self):
        return [
            path(
                "<int:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="registry_changerequest_review",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="变更内容")
    def diff(self, obj: ChangeRequest):
        return diff_table(obj)

    @admin.display(description="附件")
    def attachment_link(self, obj: ChangeRequest):
        if not obj.attachment:
            return "无"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">查看附件</a>', obj.attachment.url
        )

    @admin.display(description="审核")
    def handle(self, obj: ChangeRequest):
        label = "审核" if changes.change_request_can_decide(obj) else "查看"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:registry_changerequest_review", args=[obj.pk]),
            label,
        )

    @method_decorator(never_cache)
    def review_view(self, request, object_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        change_request = get_object_or_404(
            self.get_queryset(request).select_related("enterprise"), pk=object_id
        )
        can_decide = self.has_handle_permission(request) and changes.change_request_can_decide(
            change_request
        )
        form = ChangeDecisionForm(request.POST or None) if can_decide else None

        def perform(data):
            if data["outcome"] == "approve":
                changes.change_request_approve(
                    actor=request.user, change_request=change_request, note=data["reason"]
                )
                return change_request, "已通过，档案已更新。"
            changes.change_request_reject(
                actor=request.user, change_request=change_request, reason=data["reason"]
            )
            return change_request, "已驳回，企业将在平台上看到原因。"

        return self.workflow_page(
            request,
            title=f"审核{change_request.get_kind_display()}变更：{change_request.enterprise.name}",
            form=form,
            perform=perform,
            obj=change_request,
            template="admin/registry/changerequest/review.html",
            success_url=lambda _: (
                reverse("admin:registry_changerequest_changelist") + "?status__exact=pending"
            ),
            change=change_request,
            diff=changes.change_request_diff(change_request),
            enterprise_url=reverse(
                "admin:registry_enterprise_change", args=[change_request.enterprise_id]
            ),
        )
