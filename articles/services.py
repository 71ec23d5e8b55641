"""Writes on articles: `article_save`, `article_publish` and `article_unpublish` record who
did what through django-simple-history; an article's status changes only through
`article_transition`."""

from django.db import transaction
from django.utils import timezone

from core.audit import audited_delete, audited_save
from core.files import sanitised_upload
from core.transitions import StatusMachine, TransitionError

from .models import Article


class ArticleTransitionError(TransitionError):
    pass


ARTICLE_MACHINE = StatusMachine(
    Article,
    {
        Article.Status.DRAFT: {Article.Status.PUBLISHED},
        Article.Status.PUBLISHED: {Article.Status.DRAFT},
    },
    message="文章当前状态为“%(current)s”，不能改为“%(target)s”。",
    error=ArticleTransitionError,
)


@transaction.atomic
def article_save(*, actor, article: Article) -> Article:
    """Create or edit an article (its status is left as it is)."""
    if article.pk is None and article.author_id is None and actor is not None:
        article.author = actor
    article.full_clean()
    if article.cover and not article.cover._committed:
        # Photos taken on a phone carry the place they were taken: store pixels only.
        article.cover = sanitised_upload(article.cover.file)
    return audited_save(article, actor=actor)


@transaction.atomic
def article_transition(*, actor, article: Article, status: str) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    changes = {}
    if status == Article.Status.PUBLISHED and article.published_at is None:
        # Published again after a correction: it keeps its first publication date.
        changes["published_at"] = timezone.now()
    return ARTICLE_MACHINE.transition(
        article,
        status,
        actor=actor,
        changes=changes,
        update_fields=["published_at", "updated_at"],
        clean=False,
    )


def article_publish(*, actor, article: Article) -> Article:
    return article_transition(actor=actor, article=article, status=Article.Status.PUBLISHED)


def article_unpublish(*, actor, article: Article) -> Article:
    return article_transition(actor=actor, article=article, status=Article.Status.DRAFT)


@transaction.atomic
def article_delete(*, actor, record: Article) -> None:
    """Remove an article entered by mistake; its history keeps who removed it."""
    audited_delete(record, actor=actor)
