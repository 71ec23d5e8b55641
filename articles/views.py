"""Public news pages (`/news/`): typical cases, policy explanations and notices.

Only published articles exist for the public: a draft's address answers 404, and so does
its cover image.
"""

import mimetypes

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors
from .models import Article

PAGE_SIZE = 10


@require_safe
def article_list(request):
    kind = request.GET.get("kind", "")
    if kind not in Article.Kind.values:
        kind = ""
    page = Paginator(selectors.published_articles(kind or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "news/list.html",
        {
            "page_obj": page,
            "kind": kind,
            "kind_label": Article.Kind(kind).label if kind else "",
            "kinds": Article.Kind.choices,
        },
    )


@require_safe
def article_detail(request, pk: int):
    article = selectors.published_article(pk)
    if article is None:
        raise Http404("文章不存在或尚未发布")
    return render(request, "news/detail.html", {"article": article})


@require_safe
def article_cover(request, pk: int):
    """The cover of a published article. Media files are otherwise served to staff only."""
    article = selectors.published_article(pk)
    if article is None or not article.cover:
        raise Http404
    try:
        handle = article.cover.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type, _ = mimetypes.guess_type(article.cover.name)
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
