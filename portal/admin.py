"""Back-office pages of the portal accounts: opening portal accounts for an enterprise (with
the one-time link that lets the person set a password), sending a new link, deactivating an
account.

Change pages are read-only; every change is a small form page that calls one service
(portal.services), so the rules live there and a refusal is shown on the form."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html_join
from django.views.decorators.cache import never_cache

from core.admin_workflows import WorkflowAdmin
from core.form_errors import add_service_errors
from core.links import absolute_url
from core.validators import clean_mobile
from registry.admin_personal import ProtectedMobileAdmin
from registry.models import Enterprise

from . import services as accounts
from .models import PortalAccount


def link_validity() -> str:
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    return f"{hours // 24}天" if hours % 24 == 0 else f"{hours}小时"


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
                name="portal_portalaccount_create",
            ),
            path(
                "<int:object_id>/password-link/",
                view(self.password_link_view),
                name="portal_portalaccount_password_link",
            ),
            path(
                "<int:object_id>/deactivate/",
                view(self.deactivate_view),
                name="portal_portalaccount_deactivate",
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
                reverse("admin:portal_portalaccount_password_link", args=[obj.pk]),
                "重新发送设置密码链接",
            ),
            (reverse("admin:portal_portalaccount_deactivate", args=[obj.pk]), "停用"),
        ]
        return format_html_join(" | ", '<a href="{}">{}</a>', links)

    def _link_page(self, request, rows, title: str):
        return self.page(
            request,
            "admin/portal/portalaccount/links.html",
            title=title,
            rows=rows,
            validity=link_validity(),
        )

    @method_decorator(never_cache)
    def create_view(self, request, enterprise_id: int):
        if not self.has_handle_permission(request) or not request.user.has_perm(
            "portal.add_portalaccount"
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
            "admin/portal/portalaccount/create.html",
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
            "admin/portal/portalaccount/confirm.html",
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
            return redirect(reverse("admin:portal_portalaccount_change", args=[account.pk]))
        return self.page(
            request,
            "admin/portal/portalaccount/confirm.html",
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
