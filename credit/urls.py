from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("honor-roll/", views.honor_roll, name="honor_roll"),
    path("standard/", views.standard, name="standard"),
    path("penalties/", views.penalties, name="penalties"),
    path("key-list/", views.key_list, name="key_list"),
]
