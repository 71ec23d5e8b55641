from django.urls import include, path

from .views import complaints as views
from .views import reports

app_name = "complaints"

complaint_patterns = [
    path("new/", views.complaint_new, name="new"),
    path("report/", reports.report_new, name="report"),
    path("submitted/", views.complaint_submitted, name="submitted"),
    path("track/", views.complaint_track, name="track"),
    path("track/rate/", views.complaint_rate, name="rate"),
]

urlpatterns = [
    path("complaints/", include(complaint_patterns)),
]
