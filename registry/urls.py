"""Registry's public pages under /services/."""

from django.urls import path
from django.views.generic import RedirectView

from . import public_views

app_name = "services"

urlpatterns = [
    path("", public_views.service_standards, name="standards"),
    # The first printed material used this address.
    path("standards/", RedirectView.as_view(pattern_name="services:standards", permanent=True)),
]
