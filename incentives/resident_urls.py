from django.urls import path

from . import resident_views

app_name = "residents"

urlpatterns = [
    path("register/", resident_views.register, name="register"),
    path("register/done/", resident_views.register_done, name="register_done"),
    path("status/", resident_views.status, name="status"),
    path("status/result/", resident_views.status_result, name="status_result"),
    path("status/end/", resident_views.status_end, name="status_end"),
]
