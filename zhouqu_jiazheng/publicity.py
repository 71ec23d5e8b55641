"""Publicity (宣传引导): articles for the public site and the home page's programme panel.

Writes (`article_save`, `article_publish`, `article_unpublish`) record who did what through
django-simple-history; an article's status changes only through `article_transition`.
Reads used by the public pages run a fixed number of queries; the home page's honour-roll
highlights and key facts are cached for a few minutes, since they change once a year.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.audit import audited_save
from core.cache import cached
from core.files import sanitised_upload
from core.transitions import StatusMachine, TransitionError
from credit.models import Grade, Rating
from credit.selectors import HonorEnterprise, HonorWorker, honor_roll
from registry.models import Enterprise, Worker

from .models import Article

HOME_ARTICLES = 4
HOME_HONOR_ENTERPRISES = 6
HOME_HONOR_WORKERS = 6
PROGRAMME_CACHE_SECONDS = 300
PROGRAMME_CACHE_KEY = "publicity:programme:v1"

# --- Writes ---------------------------------------------------------------------------------


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


# --- Reads ----------------------------------------------------------------------------------


def published_articles(kind: str | None = None) -> QuerySet[Article]:
    articles = Article.objects.published().defer("body").order_by("-published_at", "-id")
    if kind:
        articles = articles.filter(kind=kind)
    return articles


def published_article(pk: int) -> Article | None:
    return Article.objects.published().filter(pk=pk).first()


def latest_articles(limit: int = HOME_ARTICLES) -> list[Article]:
    return list(published_articles()[:limit])


@dataclass(frozen=True)
class KeyFacts:
    enterprises: int
    workers: int
    year: int | None  # the latest year with final ratings
    rated_enterprises: int
    rated_workers: int
    aaa_enterprises: int
    aaa_workers: int

    @property
    def rated(self) -> int:
        return self.rated_enterprises + self.rated_workers


@dataclass(frozen=True)
class ProgrammePanel:
    """What the home page shows of the programme: its key facts and a few honoured names."""

    facts: KeyFacts
    honor_year: int | None
    honor_enterprises: list[HonorEnterprise]
    honor_workers: list[HonorWorker]
    honor_enterprises_total: int


def key_facts(year: int | None) -> KeyFacts:
    """Registered subjects and the final ratings of `year`: three aggregate queries."""
    ratings = {"enterprises": 0, "workers": 0, "aaa_enterprises": 0, "aaa_workers": 0}
    if year is not None:
        aaa = Q(grade=Grade.AAA)
        # A subject not graded (暂不评级) has not been rated that year.
        ratings = (
            Rating.objects.filter(year=year, status=Rating.Status.FINAL)
            .exclude(grade=Grade.NOT_GRADED)
            .aggregate(
                enterprises=Count("id", filter=Q(enterprise__isnull=False)),
                workers=Count("id", filter=Q(worker__isnull=False)),
                aaa_enterprises=Count("id", filter=aaa & Q(enterprise__isnull=False)),
                aaa_workers=Count("id", filter=aaa & Q(worker__isnull=False)),
            )
        )
    return KeyFacts(
        enterprises=Enterprise.objects.count(),
        workers=Worker.objects.count(),
        year=year,
        rated_enterprises=ratings["enterprises"],
        rated_workers=ratings["workers"],
        aaa_enterprises=ratings["aaa_enterprises"],
        aaa_workers=ratings["aaa_workers"],
    )


def programme_panel() -> ProgrammePanel:
    roll = honor_roll()
    return ProgrammePanel(
        facts=key_facts(roll.year),
        honor_year=roll.year,
        honor_enterprises=roll.enterprises[:HOME_HONOR_ENTERPRISES],
        honor_workers=roll.workers[:HOME_HONOR_WORKERS],
        honor_enterprises_total=len(roll.enterprises),
    )


def programme_panel_cached() -> ProgrammePanel:
    return cached(PROGRAMME_CACHE_KEY, PROGRAMME_CACHE_SECONDS, programme_panel)
