from django.urls import path

from . import report_views, views

app_name = "credit"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("honor-roll/", views.honor_roll, name="honor_roll"),
    path("standard/", views.standard, name="standard"),
    path("reports/verify/", report_views.report_verify, name="report_verify"),
]
