"""The portal's own URL patterns; the project mounts them, and each app's portal pages,
under /portal/ in the "portal" namespace."""

from django.urls import path

from . import portal_views as views

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
]
