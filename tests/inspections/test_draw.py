"""The draw as a pure function: frequencies per grade over many seeds, the same seed giving
the same draw, and inspector rotation."""

import datetime
import math
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from inspections.draw import draw
from inspections.models import DEFAULT_RATES, Stratum

START = datetime.date(2026, 3, 1)
END = datetime.date(2026, 3, 31)
SIZE = 37  # per stratum: 37 × 5% = 1.85, so the fractional part is drawn too
POOL = [101, 102, 103, 104, 105, 106]
SEEDS = 600


def population(size: int = SIZE) -> dict[int, str]:
    strata = Stratum.values
    return {pk: strata[pk % len(strata)] for pk in range(1, size * len(strata) + 1)}


def run(seed: int, previous=None, people=None, rates=None, pool=POOL):
    return draw(
        population=people or population(),
        rates=rates or DEFAULT_RATES,
        pool=pool,
        previous=previous or {},
        seed=seed,
        starts_on=START,
        ends_on=END,
    )


def test_each_grade_is_drawn_at_its_rate_over_many_rounds():
    people = population()
    picked = Counter()
    for seed in range(SEEDS):
        picked.update(d.enterprise_id for d in run(seed, people=people))
    for stratum in Stratum.values:
        rate = DEFAULT_RATES[stratum] / 100
        members = [pk for pk, s in people.items() if s == stratum]
        # The stratum as a whole: its expected share within 3% of itself (a loose bound on
        # the rounding's randomness).
        realised = sum(picked[pk] for pk in members) / (SEEDS * len(members))
        assert realised == pytest.approx(rate, rel=0.03, abs=0.002), stratum
        # Each member alike: within five standard deviations of the rate.
        sigma = math.sqrt(rate * (1 - rate) / SEEDS)
        for pk in members:
            assert abs(picked[pk] / SEEDS - rate) <= 5 * sigma + 1e-9, (stratum, pk)


def test_trustworthy_grades_are_inspected_least_and_the_key_list_always():
    people = population()
    drawn = Counter(d.stratum for seed in range(50) for d in run(seed, people=people))
    assert drawn[Stratum.KEY_LIST] == 50 * SIZE
    assert drawn[Stratum.AAA] < drawn[Stratum.AA] < drawn[Stratum.A] < drawn[Stratum.B]


def test_the_same_seed_and_population_give_the_same_draw():
    assert run(20261201) == run(20261201)
    assert run(20261201) != run(20261202)


def test_the_draw_does_not_depend_on_the_order_it_is_given_things_in():
    people = population()
    shuffled = dict(reversed(list(people.items())))
    assert run(7, people=shuffled, pool=list(reversed(POOL))) == run(7, people=people)


def test_two_inspectors_each_and_scheduled_within_the_period():
    for row in run(3):
        assert len(set(row.inspector_ids)) == 2
        assert set(row.inspector_ids) <= set(POOL)
        assert START <= row.scheduled_on <= END


def test_nobody_inspects_an_enterprise_they_inspected_last_time():
    people = population()
    previous: dict[int, set[int]] = {}
    for seed in range(40):
        rows = run(seed, previous=previous, people=people)
        for row in rows:
            assert not set(row.inspector_ids) & previous.get(row.enterprise_id, set())
            previous[row.enterprise_id] = set(row.inspector_ids)


def test_a_pool_too_small_for_the_rotation_is_refused():
    people = {1: Stratum.KEY_LIST.value}
    with pytest.raises(ValidationError) as refused:
        run(1, people=people, pool=[101, 102, 103], previous={1: {101, 102}})
    assert "检查人员不足" in refused.value.messages[0]


def test_a_zero_rate_draws_nobody_of_that_grade():
    rates = {**DEFAULT_RATES, Stratum.B: 0}
    assert all(row.stratum != Stratum.B for seed in range(30) for row in run(seed, rates=rates))
