from django.urls import path

from . import views

app_name = "incentives"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("check/", views.check, name="check"),
    path("check/result/", views.check_result, name="check_result"),
    path("check/end/", views.check_end, name="check_end"),
]
