"""The worker's own record, mounted at /workers/ by the project's URL conf."""

from django.urls import path

from . import worker_views as views

app_name = "workers"

urlpatterns = [
    path("", views.record, name="record"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("ratings/<int:pk>/", views.rating_detail, name="rating"),
    path("ratings/<int:pk>/objection/", views.objection_new, name="objection_new"),
    path("records/<int:pk>/repair/", views.repair_new, name="repair_new"),
    path("consent/", views.consent, name="consent"),
]
