"""Publicity (宣传引导): the home page's programme panel.

The home page's honour-roll highlights and key facts are cached for a few minutes, since
they change once a year.
"""

from dataclasses import dataclass

from core.cache import cached
from credit.selectors_honour import HonorEnterprise, HonorWorker, honor_roll
from credit.statistics import final_rating_counts
from registry.statistics import subject_totals

HOME_HONOR_ENTERPRISES = 6
HOME_HONOR_WORKERS = 6
PROGRAMME_CACHE_SECONDS = 300
PROGRAMME_CACHE_KEY = "publicity:programme:v3"  # v3: HonorWorker gained the shown name


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
        ratings = final_rating_counts(year)
    totals = subject_totals()
    return KeyFacts(
        enterprises=totals["enterprises"],
        workers=totals["workers"],
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
