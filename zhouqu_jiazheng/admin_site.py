"""The bureau's back office: the admin site whose index is the dashboard (工作台, drawn by
`reporting.admin_dashboard`) with the officer's inbox."""

from django.conf import settings
from django.contrib import admin
from django.urls import path

from core.admin_scale import scale_defaults
from core.admin_search import protected_search_results, protected_search_view
from core.inbox import staff_inbox
from reporting.admin_audit import audit_export_view
from reporting.admin_dashboard import dashboard_context

from .admin_translation import translation_review_view


class BureauAdminSite(admin.AdminSite):
    site_header = settings.SITE_NAME
    site_title = settings.SITE_NAME
    index_title = "工作台"
    index_template = "admin/dashboard_index.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, admin_class, **options)
        # Every list searches a full ID or mobile number through its token (see
        # core.admin_search): the search box never puts the number in a URL.
        for model_admin in self._registry.values():
            # Every list pages a big table by its estimated size (see core.admin_scale).
            scale_defaults(model_admin)
            if not getattr(model_admin, "_protected_search", False):
                model_admin.get_search_results = protected_search_results(
                    model_admin, model_admin.get_search_results
                )
                model_admin._protected_search = True

    def get_urls(self):
        return [
            path("search/", self.admin_view(protected_search_view), name="protected_search"),
            path("audit-export/", self.admin_view(self.audit_export), name="audit_export"),
            path(
                "translations/",
                self.admin_view(self.translation_review),
                name="translation_review",
            ),
            *super().get_urls(),
        ]

    def audit_export(self, request):
        return audit_export_view(request, self.each_context(request))

    def translation_review(self, request):
        return translation_review_view(request, self.each_context(request))

    def index(self, request, extra_context=None):
        context = {
            **dashboard_context(request),
            "inbox": staff_inbox(request, self),
            **(extra_context or {}),
        }
        return super().index(request, context)
