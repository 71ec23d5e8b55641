from django.conf import settings

from core.portal import portal_pages
from core.public_sections import available_sections


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        # The bureau's complaint line and office: every public page offers them.
        "complaint_contact": {
            "phone": settings.COMPLAINT_PHONE,
            "address": settings.BUREAU_OFFICE_ADDRESS,
            "hours": settings.BUREAU_OFFICE_HOURS,
        },
        "public_sections": available_sections,
        # Lazily evaluated (a callable): only portal pages render the portal navigation.
        "portal_pages": portal_pages,
        # The 大字版 (elder-friendly large text), chosen with the switch on every public page.
        "large_text": request.COOKIES.get("text_size") == "large",
    }
