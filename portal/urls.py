"""The enterprise portal under /portal/, in the "portal" namespace: its own pages (login,
logout, password, home), then the pages each app owns (`<app>/portal_urls.py`)."""

from django.urls import include, path

from agreements import portal_urls as agreements_portal
from complaints import portal_urls as complaints_portal
from credit import portal_urls as credit_portal
from incentives import portal_urls as incentives_portal
from registry import portal_urls as registry_portal

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("password/", views.PortalPasswordChangeView.as_view(), name="password_change"),
    path(
        "password/set/<uidb64>/<token>/",
        views.PortalPasswordSetView.as_view(),
        name="password_set",
    ),
    *registry_portal.urlpatterns,
    path("complaints/", include(complaints_portal.urlpatterns)),
    path("credit/", include(credit_portal.urlpatterns)),
    path("incentives/", include(incentives_portal.urlpatterns)),
    path("agreements/", include(agreements_portal.urlpatterns)),
]
