"""Reading inspections: who may be drawn and in which stratum, the inspector pool and the
previous inspectors, a round replayed from its seed, and the public list (一公开)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from credit.models import CreditEvent, Grade, KeyListEntry
from credit.selectors import visible_ratings
from registry.models import Enterprise

from .draw import Drawn, draw
from .models import Inspection, InspectionRound, Stratum


def population(day: date) -> dict[int, str]:
    """Enterprises in business on `day` → their stratum: on the key-management list, else
    the grade of their latest published rating, else unrated (暂不评级 included)."""
    enterprises = list(Enterprise.objects.active().values_list("pk", flat=True))
    listed = set(
        KeyListEntry.objects.on(day)
        .filter(enterprise__isnull=False)
        .values_list("enterprise_id", flat=True)
    )
    grades: dict[int, str] = {}
    ratings = (
        visible_ratings()
        .filter(enterprise_id__in=enterprises)
        .order_by("enterprise_id", "-year")
        .values_list("enterprise_id", "grade")
    )
    for enterprise_id, grade in ratings:
        grades.setdefault(enterprise_id, grade)
    strata = {}
    for pk in enterprises:
        grade = grades.get(pk)
        if pk in listed:
            strata[pk] = Stratum.KEY_LIST.value
        elif grade and grade != Grade.NOT_GRADED:
            strata[pk] = grade
        else:
            strata[pk] = Stratum.UNRATED.value
    return strata


def inspector_pool() -> QuerySet:
    """Active staff of the `INSPECTION_STAFF_GROUP` group (执法检查人员库)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=settings.INSPECTION_STAFF_GROUP)
        .distinct()
        .order_by("pk")
    )


def previous_inspectors(enterprise_ids) -> dict[int, set[int]]:
    """Each enterprise's inspectors in its latest inspection (the rotation rule)."""
    latest: dict[int, int] = {}
    inspections = (
        Inspection.objects.filter(enterprise_id__in=list(enterprise_ids))
        .order_by("enterprise_id", "-round__starts_on", "-round_id")
        .values_list("enterprise_id", "pk")
    )
    for enterprise_id, pk in inspections:
        latest.setdefault(enterprise_id, pk)
    result: dict[int, set[int]] = {pk: set() for pk in latest}
    through = Inspection.inspectors.through.objects.filter(inspection_id__in=latest.values())
    by_inspection = {pk: enterprise for enterprise, pk in latest.items()}
    for inspection_id, user_id in through.values_list("inspection_id", "user_id"):
        result[by_inspection[inspection_id]].add(user_id)
    return result


def round_replay(inspection_round: InspectionRound) -> list[Drawn]:
    """The round's draw made again from its recorded seed and inputs."""
    inputs = inspection_round.draw_inputs
    return draw(
        population={int(pk): s for pk, s in inputs["population"].items()},
        rates=inspection_round.rates(),
        pool=inputs["pool"],
        previous={int(pk): set(ids) for pk, ids in inputs["previous"].items()},
        seed=inspection_round.seed,
        starts_on=inspection_round.starts_on,
        ends_on=inspection_round.ends_on,
    )


def round_recorded(inspection_round: InspectionRound) -> list[Drawn]:
    """The round's inspections as recorded, in the draw's order."""
    order = {s: i for i, s in enumerate(Stratum.values)}
    rows = [
        Drawn(
            i.enterprise_id,
            i.stratum,
            tuple(sorted(u.pk for u in i.inspectors.all())),
            i.scheduled_on,
        )
        for i in inspection_round.inspections.prefetch_related("inspectors")
    ]
    return sorted(rows, key=lambda d: (order[d.stratum], d.enterprise_id))


def round_matches_seed(inspection_round: InspectionRound) -> bool:
    return round_replay(inspection_round) == round_recorded(inspection_round)


# --- The public list (一公开) -----------------------------------------------------------------


@dataclass(frozen=True)
class PublicRound:
    round: InspectionRound
    strata: list[tuple[str, int, int, int]]  # label, enterprises, rate %, drawn
    results: list[Inspection]


def public_rounds(day: date) -> list[PublicRound]:
    """Every round with how many were drawn per stratum, and its finished inspections whose
    credit record is on disclosure on `day` (a repaired or expired record leaves the page)."""
    disclosed = CreditEvent.objects.disclosed_on(day).values("pk")
    shown = (
        Inspection.objects.filter(result_event__in=disclosed)
        .select_related("enterprise")
        .order_by("-done_on", "pk")
    )
    rounds = InspectionRound.objects.filter(starts_on__lte=day).prefetch_related(
        Prefetch("inspections", queryset=shown, to_attr="shown")
    )
    result = []
    for inspection_round in rounds:
        sizes = Counter(inspection_round.draw_inputs.get("population", {}).values())
        drawn = Counter(inspection_round.inspections.values_list("stratum", flat=True))
        rates = inspection_round.rates()
        strata = [
            (label, sizes[value], rates[value], drawn[value])
            for value, label in Stratum.choices
            if sizes[value]
        ]
        result.append(PublicRound(inspection_round, strata, inspection_round.shown))
    return result
