"""The 藏文译文 page: which strings are untranslated and which changed since the reviewed
version (core.i18n.catalogue). Read-only; the catalogue is edited in the .po file.

A page of the admin site (BureauAdminSite.get_urls), not a model admin: the catalogue has no
table. The model TranslationCatalogue exists only for its view permission."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from core.i18n.catalogue import review_compare, translatable_languages

VIEW_PERMISSION = "zhouqu_jiazheng.view_translationcatalogue"


def translation_review_view(request, site_context: dict):
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm(VIEW_PERMISSION)):
        raise PermissionDenied
    context = {
        **site_context,
        "title": "藏文译文：未译与审定后的改动",
        "reviews": [review_compare(language) for language in translatable_languages()],
    }
    return TemplateResponse(request, "admin/translation_review.html", context)
