from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.admin_history import HistoryAdmin
from core.admin_workflows import ServiceDeleteMixin

from . import services
from .models import Article


@admin.register(Article)
class ArticleAdmin(ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.article_delete)
    list_display = ["title", "kind", "status", "published_at", "author", "updated_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["author"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    fields = ["title", "kind", "summary", "body", "cover", "status", "published_at", "author"]
    readonly_fields = ["status", "published_at", "author"]
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        services.article_save(actor=request.user, article=obj)

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
        self._transition(request, queryset, services.article_publish, "发布")

    @admin.action(description="撤回所选文章（改为草稿）", permissions=["change"])
    def unpublish(self, request, queryset):
        self._transition(request, queryset, services.article_unpublish, "撤回")
