"""The agreement pages of the enterprise portal, mounted at /portal/agreements/ in the
"portal" namespace by the project's URL conf."""

from django.urls import path

from . import portal_views as views

urlpatterns = [
    path("", views.agreement_list, name="agreements"),
    path("new/", views.agreement_new, name="agreement_new"),
    path("<int:pk>/", views.agreement_detail, name="agreement"),
    path("<int:pk>/paper/", views.agreement_paper, name="agreement_paper"),
    path("<int:pk>/cancel/", views.agreement_cancel, name="agreement_cancel"),
    path("<int:pk>/print/", views.agreement_print, name="agreement_print"),
]
