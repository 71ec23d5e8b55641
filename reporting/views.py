"""Public poster pages under /credit/posters/: printed by township offices, so no login."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.links import absolute_url_builder

from . import posters


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
