from django.urls import path

from . import report_views, views, views_publicity

app_name = "credit"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("honor-roll/", views.honor_roll, name="honor_roll"),
    path(
        "honor-roll/<int:year>/workers/<int:pk>/photo/",
        views.honor_roll_photo,
        name="honor_roll_photo",
    ),
    path("standard/", views.standard, name="standard"),
    path("penalties/", views.penalties, name="penalties"),
    path("key-list/", views.key_list, name="key_list"),
    path("publicity/", views_publicity.publicity, name="publicity"),
    path(
        "publicity/<int:rating_id>/opinion/",
        views_publicity.opinion,
        name="publicity_opinion",
    ),
    path(
        "publicity/opinion/received/",
        views_publicity.opinion_received,
        name="publicity_opinion_received",
    ),
    path("reports/verify/", report_views.report_verify, name="report_verify"),
]
