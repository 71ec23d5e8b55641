from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from registry.verification_views import verify, verify_photo
from registry.views import protected_media

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("favicon.ico", views.favicon),
    path("text-size/", views.text_size, name="text_size"),
    path("admin/", admin.site.urls),
    # set_language: the language switch posts here; the choice is kept in a cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    path("credit/", include("credit.urls")),
    path("credit/posters/", include("reporting.urls")),
    path("incentives/", include("incentives.urls")),
    path("residents/", include("incentives.resident_urls")),
    path("bookings/", include("incentives.booking_urls")),
    path("services/", include("registry.urls")),
    path("enterprises/", include("registry.profile_urls")),
    path("workers/", include("credit.worker_urls")),
    path("news/", include("articles.urls")),
    path("agreements/", include("agreements.urls")),
    path("inspections/", include("inspections.urls")),
    path("", include("complaints.urls")),
    path("", include("reviews.urls")),
    # The enterprise portal: each app owns its pages; they share the "portal" namespace.
    path("portal/", include("portal.urls")),
    path("verify/<str:token>/", verify, name="verify"),
    path("verify/<str:token>/photo/", verify_photo, name="verify_photo"),
    path("media/<path:path>", protected_media, name="protected_media"),
]

if settings.BENCH_BASELINE_VIEW:  # `make bench` only: see README, Performance
    urlpatterns.append(path("bench/baseline/", views.bench_baseline, name="bench_baseline"))
