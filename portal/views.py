"""The portal's own pages: login, logout, setting and changing the password, and the home
page, composed of the cards the apps register (core.portal)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.portal import portal_account_for, portal_cards, portal_view


class PortalLoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名或手机号码",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": "用户名（或手机号码）或密码不正确。连续输错5次将锁定30分钟。",
        "inactive": "该账号已停用，请联系县商务局信用股。",
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if portal_account_for(user) is None:
            raise forms.ValidationError(
                "该账号不是企业平台账号。工作人员请从后台登录。", code="not_portal"
            )


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = False
    next_page = reverse_lazy("portal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.set_expiry(settings.PORTAL_SESSION_IDLE_SECONDS)
        return response


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal:login")


class PortalPasswordSetView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_set.html"
    success_url = reverse_lazy("portal:login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "密码已设置，请用新密码登录。")
        return response


@method_decorator(portal_view, name="dispatch")
class PortalPasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends every other one (Django checks the
    session against the password hash)."""

    template_name = "portal/password_change.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "密码已修改，其他设备上的登录已自动退出。")
        return response


@never_cache
@require_safe
@portal_view
def home(request):
    return render(
        request,
        "portal/home.html",
        {"cards": portal_cards(request, request.enterprise)},
    )
