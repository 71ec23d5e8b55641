from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from . import posters, publicity
from .models import Article, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "last_seen", "pings"]
    readonly_fields = ["hostname", "last_seen", "pings"]

    def has_add_permission(self, request) -> bool:
        return False


# --- Publicity -------------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "status", "published_at", "author", "updated_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["author"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    fields = ["title", "kind", "summary", "body", "cover", "status", "published_at", "author"]
    readonly_fields = ["status", "published_at", "author"]
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        publicity.article_save(actor=request.user, article=obj)

    def _transition(self, request, queryset, service, done: str) -> None:
        changed = 0
        for article in queryset:
            try:
                service(actor=request.user, article=article)
            except ValidationError as exc:
                self.message_user(
                    request, f"{article}：{'；'.join(exc.messages)}", messages.WARNING
                )
            else:
                changed += 1
        if changed:
            self.message_user(request, f"已{done}{changed}篇文章。", messages.SUCCESS)

    @admin.action(description="发布所选文章", permissions=["change"])
    def publish(self, request, queryset):
        self._transition(request, queryset, publicity.article_publish, "发布")

    @admin.action(description="撤回所选文章（改为草稿）", permissions=["change"])
    def unpublish(self, request, queryset):
        self._transition(request, queryset, publicity.article_unpublish, "撤回")

    def get_urls(self):
        return [
            path(
                "posters/",
                self.admin_site.admin_view(self.posters_view),
                name="zhouqu_jiazheng_article_posters",
            ),
            *super().get_urls(),
        ]

    def posters_view(self, request):
        """The year's honour-roll posters, each with its own page and a print-all sheet."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        years = posters.poster_years()
        year = request.GET.get("year", "")
        year = int(year) if year.isdigit() and int(year) in years else (years[0] if years else None)
        items = posters.posters_for_year(year, request.build_absolute_uri) if year else []
        context = {
            **self.admin_site.each_context(request),
            "title": "诚信红榜宣传海报",
            "opts": self.model._meta,
            "years": years,
            "year": year,
            "enterprise_posters": [p for p in items if p.kind == "enterprise"],
            "worker_posters": [p for p in items if p.kind == "worker"],
        }
        return TemplateResponse(request, "admin/zhouqu_jiazheng/posters.html", context)
