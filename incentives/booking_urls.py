from django.urls import path

from . import booking_views

app_name = "bookings"

urlpatterns = [
    path("new/", booking_views.new, name="new"),
    path("new/done/", booking_views.done, name="done"),
    path("mine/", booking_views.mine, name="mine"),
    path("mine/end/", booking_views.sign_out, name="sign_out"),
    path("<int:pk>/cancel/", booking_views.cancel, name="cancel"),
]
