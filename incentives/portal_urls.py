"""The incentive pages of the enterprise portal, mounted at /portal/incentives/ in the
"portal" namespace by the project's URL conf."""

from django.urls import path

from . import portal_booking_views as bookings
from . import portal_views as views

urlpatterns = [
    path("", views.measure_list, name="incentives_measures"),
    path("measures/<int:pk>/join/", views.measure_join, name="incentives_measure_join"),
    path(
        "participations/<int:pk>/withdraw/",
        views.participation_leave,
        name="incentives_participation_withdraw",
    ),
    path("redemptions/", views.redemption_list, name="incentives_redemptions"),
    path("redemptions/new/", views.redemption_new, name="incentives_redemption_new"),
    path("redemptions/export/", views.redemption_export, name="incentives_redemption_export"),
    path("redemptions/<int:pk>/", views.redemption_detail, name="incentives_redemption"),
    path("bookings/", bookings.booking_list, name="incentives_bookings"),
    path("bookings/<int:pk>/", bookings.booking_detail, name="incentives_booking"),
    path(
        "bookings/<int:pk>/decline/",
        bookings.booking_decline_view,
        name="incentives_booking_decline",
    ),
    path("bookings/areas/<int:pk>/", bookings.booking_area, name="incentives_booking_area"),
    path("programmes/", views.programme_list, name="incentives_programmes"),
    path("programmes/<int:pk>/apply/", views.application_new, name="incentives_apply"),
    path("applications/<int:pk>/", views.application_detail, name="incentives_application"),
    path(
        "applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="incentives_application_withdraw",
    ),
]
