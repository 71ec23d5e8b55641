"""The complaint pages of the enterprise portal, mounted at /portal/complaints/ in the
"portal" namespace by the project's URL conf."""

from django.urls import path

from . import portal_views as views

urlpatterns = [
    path("", views.complaint_list, name="complaints_list"),
    path("<int:pk>/", views.complaint_detail, name="complaints_detail"),
]
