from django.conf import settings

from core.portal import portal_pages
from core.public_sections import available_sections


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "public_sections": available_sections,
        # Lazily evaluated (a callable): only portal pages render the portal navigation.
        "portal_pages": portal_pages,
    }
