"""Registry's public pages under /services/."""

from django.urls import path

from . import public_views

app_name = "services"

urlpatterns = [
    path("standards/", public_views.service_standards, name="standards"),
]
