"""Reads of articles for the public pages: a fixed number of queries each."""

from django.db.models import QuerySet

from .models import Article

HOME_ARTICLES = 4


def published_articles(kind: str | None = None) -> QuerySet[Article]:
    articles = Article.objects.published().defer("body").order_by("-published_at", "-id")
    if kind:
        articles = articles.filter(kind=kind)
    return articles


def published_article(pk: int) -> Article | None:
    return Article.objects.published().filter(pk=pk).first()


def latest_articles(limit: int = HOME_ARTICLES) -> list[Article]:
    return list(published_articles()[:limit])
