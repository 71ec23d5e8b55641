"""The credit pages of the enterprise portal, mounted at /portal/credit/ in the "portal"
namespace by the project's URL conf."""

from django.urls import path

from . import portal_views as views
from . import portal_views_pledge
from . import portal_views_rectification as notices
from . import portal_views_reports as reports

urlpatterns = [
    path("", views.rating_list, name="credit_ratings"),
    path("ratings/<int:pk>/", views.rating_detail, name="credit_rating"),
    path("ratings/<int:pk>/objection/", views.objection_new, name="credit_objection_new"),
    path("objections/<int:pk>/", views.objection_detail, name="credit_objection"),
    path("records/", views.record_list, name="credit_records"),
    path("records/<int:pk>/repair/", views.repair_new, name="credit_repair_new"),
    path("repairs/<int:pk>/", views.repair_detail, name="credit_repair"),
    path("requests/", views.request_list, name="credit_requests"),
    path("pledge/", portal_views_pledge.pledge, name="credit_pledge"),
    path("reports/", reports.report_list, name="credit_reports"),
    path("reports/<int:pk>/", reports.report_detail, name="credit_report"),
    path("notices/", notices.notice_list, name="credit_notices"),
    path("notices/<int:pk>/", notices.notice_detail, name="credit_notice"),
]
