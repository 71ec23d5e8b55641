"""Writes on articles: `article_save`, `article_publish` and `article_unpublish` record who
did what through django-simple-history; an article's status changes only through
`article_transition`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.files import sanitised_upload

from .models import Article


class ArticleTransitionError(ValidationError):
    pass


TRANSITIONS: dict[str, set[str]] = {
    Article.Status.DRAFT: {Article.Status.PUBLISHED},
    Article.Status.PUBLISHED: {Article.Status.DRAFT},
}


@transaction.atomic
def article_save(*, actor, article: Article) -> Article:
    """Create or edit an article (its status is left as it is)."""
    if article.pk is None and article.author_id is None and actor is not None:
        article.author = actor
    article.full_clean()
    if article.cover and not article.cover._committed:
        # Photos taken on a phone carry the place they were taken: store pixels only.
        article.cover = sanitised_upload(article.cover.file)
    article._history_user = actor
    article.save()
    return article


@transaction.atomic
def article_transition(*, actor, article: Article, status: str) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if status not in TRANSITIONS[article.status]:
        raise ArticleTransitionError(
            "文章当前状态为“%(current)s”，不能改为“%(wanted)s”。",
            code="article_transition",
            params={
                "current": article.get_status_display(),
                "wanted": Article.Status(status).label,
            },
        )
    article.status = status
    if status == Article.Status.PUBLISHED and article.published_at is None:
        # Published again after a correction: it keeps its first publication date.
        article.published_at = timezone.now()
    article._history_user = actor
    article.save(update_fields=["status", "published_at", "updated_at"])
    return article


def article_publish(*, actor, article: Article) -> Article:
    return article_transition(actor=actor, article=article, status=Article.Status.PUBLISHED)


def article_unpublish(*, actor, article: Article) -> Article:
    return article_transition(actor=actor, article=article, status=Article.Status.DRAFT)
