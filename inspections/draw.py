"""The draw itself (双随机): a pure function of the population, the rates, the staff pool,
the previous inspectors and the seed, so the same inputs always give the same draw.

Each stratum's members are taken in id order. The number drawn from a stratum of n
members at rate r% is n·r/100 rounded down, plus one with the probability of the remainder
(so over many rounds every member is drawn with probability r% exactly); the members are
then a uniform sample. Each drawn enterprise gets two inspectors sampled from the pool
without anyone who inspected it in its previous inspection (轮换)."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from .models import Stratum

INSPECTORS_PER_INSPECTION = 2


@dataclass(frozen=True)
class Drawn:
    enterprise_id: int
    stratum: str
    inspector_ids: tuple[int, ...]
    scheduled_on: date


def stratum_count(rng: random.Random, size: int, rate: int) -> int:
    expected = size * rate / 100
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def draw(
    *,
    population: dict[int, str],
    rates: dict[str, int],
    pool: list[int],
    previous: dict[int, set[int]],
    seed: int,
    starts_on: date,
    ends_on: date,
) -> list[Drawn]:
    """`population`: enterprise id → stratum; `pool`: inspector ids; `previous`: enterprise
    id → the inspectors of its previous inspection."""
    # Reproducible on purpose (the seed is published); the seed itself comes from secrets.
    rng = random.Random(seed)  # noqa: S311
    pool = sorted(set(pool))
    days = (ends_on - starts_on).days
    drawn = []
    for stratum in Stratum.values:
        members = sorted(pk for pk, s in population.items() if s == stratum)
        count = stratum_count(rng, len(members), rates.get(stratum, 0))
        for enterprise_id in sorted(rng.sample(members, count)):
            eligible = [pk for pk in pool if pk not in previous.get(enterprise_id, set())]
            if len(eligible) < INSPECTORS_PER_INSPECTION:
                raise ValidationError(
                    "检查人员不足：每家企业需要%(n)d名未检查过该企业上一次的检查人员。",
                    code="pool_too_small",
                    params={"n": INSPECTORS_PER_INSPECTION},
                )
            inspectors = tuple(sorted(rng.sample(eligible, INSPECTORS_PER_INSPECTION)))
            scheduled_on = starts_on + timedelta(days=rng.randint(0, days))
            drawn.append(Drawn(enterprise_id, stratum, inspectors, scheduled_on))
    return drawn
