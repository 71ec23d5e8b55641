from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from core.i18n.catalogue import is_trial
from core.portal import portal_pages
from core.public_sections import available_sections
from core.wechat import in_wechat

# The default values of the configurable names and office details (settings), so that the
# catalogue holds their translations; a value configured otherwise is shown as it is.
CONFIGURED_TEXTS = (
    gettext_noop("舟曲县信易+家政信用管理平台"),
    gettext_noop("舟曲县城关镇舟曲县工业和信息化和商务局"),
    gettext_noop("工作日 8:30—12:00，14:30—18:00"),
)


def site(request):
    return {
        "site_name": gettext(settings.SITE_NAME),
        # The bureau's complaint line and office: every public page offers them.
        "complaint_contact": {
            "phone": settings.COMPLAINT_PHONE,
            "address": gettext(settings.BUREAU_OFFICE_ADDRESS),
            "hours": gettext(settings.BUREAU_OFFICE_HOURS),
        },
        "public_sections": available_sections,
        # Lazily evaluated (a callable): only portal pages render the portal navigation.
        "portal_pages": portal_pages,
        "html_lang": html_lang(translation.get_language()),
        # The public pages' language switch: code, local name, BCP 47 tag, chosen.
        "language_choices": [
            (code, name, html_lang(code), code == translation.get_language())
            for code, name in settings.LANGUAGES
        ],
        # Pages in a language whose catalogue is not the reviewed version say so (base.html).
        "translation_trial": is_trial(translation.get_language()),
        # The 大字版 (elder-friendly large text), chosen with the switch on every public page.
        "large_text": request.COOKIES.get("text_size") == "large",
        # WeChat's in-app browser: pages show hints for it (printing, saving pictures).
        "in_wechat": in_wechat(request),
    }


def html_lang(code: str | None) -> str:
    """The BCP 47 tag of a Django language code for `<html lang>`: zh-hans → zh-Hans."""
    return translation.to_locale(code or settings.LANGUAGE_CODE).replace("_", "-")
