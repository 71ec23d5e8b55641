from django.conf import settings

from .public_sections import available_sections


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "public_sections": available_sections,
    }
