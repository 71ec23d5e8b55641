from django.contrib import admin
from django.urls import include, path

from complaints import portal_urls as complaints_portal
from credit import portal_urls as credit_portal
from incentives import portal_urls as incentives_portal
from registry import portal_urls as registry_portal
from registry.verification_views import verify, verify_photo
from registry.views import protected_media

from . import views

# The enterprise portal: each app owns its pages; they share the "portal" namespace.
portal_patterns = [
    *registry_portal.urlpatterns,
    path("complaints/", include(complaints_portal.urlpatterns)),
    path("credit/", include(credit_portal.urlpatterns)),
    path("incentives/", include(incentives_portal.urlpatterns)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("credit/", include("credit.urls")),
    path("credit/posters/", include("reporting.urls")),
    path("incentives/", include("incentives.urls")),
    path("news/", include("articles.urls")),
    path("", include("complaints.urls")),
    path("portal/", include((portal_patterns, "portal"))),
    path("verify/<str:token>/", verify, name="verify"),
    path("verify/<str:token>/photo/", verify_photo, name="verify_photo"),
    path("media/<path:path>", protected_media, name="protected_media"),
]
