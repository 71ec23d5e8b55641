"""Public poster pages under /credit/posters/: printed by township offices, so no login."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.links import absolute_url_builder

from . import posters
from .poster_picture import poster_picture


def _render(request, year: int, items: list[posters.Poster], single: bool):
    return render(request, "posters/sheet.html", {"year": year, "posters": items, "single": single})


@require_safe
def year_sheet(request, year: int):
    """Every poster of the year, one per A4 page ("print all")."""
    items = posters.posters_for_year(year, absolute_url_builder(request))
    if not items:
        raise Http404("该年度没有诚信红榜")
    return _render(request, year, items, single=False)


@require_safe
def enterprise(request, year: int, pk: int):
    poster = posters.enterprise_poster(year, pk, absolute_url_builder(request))
    if poster is None:
        raise Http404("该企业不在本年度诚信红榜上")
    return _render(request, year, [poster], single=True)


@require_safe
def worker(request, year: int, pk: int):
    poster = posters.worker_poster(year, pk, absolute_url_builder(request))
    if poster is None:
        raise Http404("该从业人员不在本年度诚信红榜上")
    return _render(request, year, [poster], single=True)


def _picture(poster: posters.Poster | None, missing: str) -> HttpResponse:
    """The poster as a PNG: the same poster, and the same 404, as its page."""
    if poster is None:
        raise Http404(missing)
    response = HttpResponse(poster_picture(poster), content_type="image/png")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"诚信红榜{poster.year}-{poster.kind}-{poster.subject_id}.png"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Not kept by browsers: a withdrawn consent or rating shows at once, as on the page.
@never_cache
@require_safe
def enterprise_picture(request, year: int, pk: int):
    poster = posters.enterprise_poster(year, pk, absolute_url_builder(request))
    return _picture(poster, "该企业不在本年度诚信红榜上")


@never_cache
@require_safe
def worker_picture(request, year: int, pk: int):
    poster = posters.worker_poster(year, pk, absolute_url_builder(request))
    return _picture(poster, "该从业人员不在本年度诚信红榜上")
