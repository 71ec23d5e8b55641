"""The 藏文译文 page: which strings are untranslated and which changed since the reviewed
version (core.i18n.catalogue). Read-only; the catalogue is edited in the .po file."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from core.i18n.catalogue import review_compare, translatable_languages

from .models import TranslationCatalogue


@admin.register(TranslationCatalogue)
class TranslationCatalogueAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "藏文译文：未译与审定后的改动",
            "opts": self.model._meta,
            "reviews": [review_compare(language) for language in translatable_languages()],
        }
        return TemplateResponse(request, "admin/translation_review.html", context)
