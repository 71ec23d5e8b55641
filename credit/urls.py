from django.urls import path

from . import views

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
]
