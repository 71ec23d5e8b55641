"""The public enterprise profiles under /enterprises/."""

from django.urls import path

from . import public_views

app_name = "enterprises"

urlpatterns = [
    path("<int:pk>/", public_views.enterprise_profile, name="profile"),
]
