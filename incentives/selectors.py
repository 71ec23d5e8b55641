"""Reads shared by the public pages, the admin, the dossier section and the dashboard.
Each runs a fixed number of queries, whatever the number of rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core import personal_data
from core.json_rows import fetch_lists
from credit.models import GRADE_ORDER, KeyListEntry, Rating
from registry.models import Enterprise

from .models import (
    IncentiveMeasure,
    Participation,
    Redemption,
    RedemptionItem,
    Resident,
    SpecialGroup,
    SupportApplication,
    SupportProgramme,
)
from .standing import Standing, enterprise_standings, programme_min_grade

# --- The public catalogue -------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    enterprise: Enterprise
    standing: Standing


@dataclass
class CatalogueMeasure:
    measure: IncentiveMeasure
    groups: list[SpecialGroup]
    participants: list[Participant] = field(default_factory=list)


@dataclass
class Catalogue:
    day: date
    resident: list[CatalogueMeasure]
    enterprise: list[CatalogueMeasure]
    worker: list[CatalogueMeasure]
    groups: list[SpecialGroup]
    enterprises: list[Participant]  # every enterprise currently giving a resident benefit


def catalogue(day: date | None = None, township_id: int | None = None) -> Catalogue:
    """The measures in force and, for resident measures, the enterprises that take part and
    qualify today (an enterprise downgraded or put under key management disappears at once)."""
    day = day or timezone.localdate()
    measures = list(
        IncentiveMeasure.objects.in_force(day).prefetch_related("special_groups", "categories")
    )
    participations = Participation.objects.filter(
        status=Participation.Status.ACTIVE,
        measure__in=[m for m in measures if m.offered_by_enterprises],
    ).select_related("enterprise__township")
    if township_id:
        participations = participations.filter(enterprise__township_id=township_id)
    participations = list(participations)
    enterprises = {p.enterprise_id: p.enterprise for p in participations}
    standings = enterprise_standings(enterprises.values(), day)
    by_measure: dict[int, list[Participant]] = defaultdict(list)
    qualified: dict[int, Participant] = {}
    for participation in participations:
        standing = standings[participation.enterprise_id]
        measure = next(m for m in measures if m.pk == participation.measure_id)
        if standing.meets(measure.min_grade):
            participant = Participant(participation.enterprise, standing)
            by_measure[measure.pk].append(participant)
            qualified[participation.enterprise_id] = participant

    def rank(participant: Participant):
        return (-GRADE_ORDER[participant.standing.grade], participant.enterprise.name)

    result = Catalogue(
        day=day,
        resident=[],
        enterprise=[],
        worker=[],
        groups=list(SpecialGroup.objects.filter(is_active=True)),
        enterprises=sorted(qualified.values(), key=rank),
    )
    for measure in measures:
        item = CatalogueMeasure(
            measure=measure,
            groups=list(measure.special_groups.all()),
            participants=sorted(by_measure.get(measure.pk, []), key=rank),
        )
        getattr(result, measure.audience).append(item)
    return result


# --- Support applications ranked by credit ---------------------------------------------------


GRADE_RANK = Case(
    *(When(rating_grade=grade, then=Value(order)) for grade, order in GRADE_ORDER.items()),
    default=Value(0),
    output_field=IntegerField(),
)


def applications_with_standing(queryset=None, day: date | None = None):
    """Applications annotated with the applicant's latest final grade and total, whether it
    is under key management today, and `grade_rank` (AAA 4 … B 1, unrated 0)."""
    day = day or timezone.localdate()
    queryset = SupportApplication.objects.all() if queryset is None else queryset
    latest = Rating.objects.filter(
        enterprise=OuterRef("enterprise"), status=Rating.Status.FINAL
    ).order_by("-year")
    return queryset.annotate(
        rating_grade=Subquery(latest.values("grade")[:1], output_field=CharField()),
        rating_total=Subquery(
            latest.values("total")[:1], output_field=DecimalField(max_digits=5, decimal_places=1)
        ),
        rating_year=Subquery(latest.values("year")[:1], output_field=IntegerField()),
        on_key_list=Exists(KeyListEntry.objects.on(day).filter(enterprise=OuterRef("enterprise"))),
    ).annotate(grade_rank=GRADE_RANK)


def application_standing(application) -> Standing:
    """The Standing of an application annotated by `applications_with_standing`."""
    return Standing(
        name=application.enterprise.name,
        grade=application.rating_grade,
        total=application.rating_total,
        year=application.rating_year,
        on_key_list=application.on_key_list,
        operating=application.enterprise.business_status == Enterprise.BusinessStatus.OPERATING,
    )


@dataclass(frozen=True)
class RankedApplication:
    rank: int | None  # among eligible applications; None when ineligible or withdrawn
    application: SupportApplication
    standing: Standing
    eligible: bool
    reason: str
    within_quota: bool


def programme_ranking(
    programme: SupportProgramme, day: date | None = None
) -> list[RankedApplication]:
    """Applications ranked by grade, then total score, then submission time; ineligible ones
    (B, key management, unrated, not operating) last with the reason. `within_quota` marks
    the eligible applications that fit in the programme's quota (places for training)."""
    min_grade = programme_min_grade(programme)
    applications = (
        applications_with_standing(programme.applications.all(), day)
        .select_related("enterprise")
        .order_by(
            "-grade_rank",
            Coalesce("rating_total", Value(Decimal(0))).desc(),
            "submitted_at",
            "pk",
        )
    )
    ranked, eligible_rows, ineligible_rows = [], [], []
    for application in applications:
        standing = application_standing(application)
        if application.status == SupportApplication.Status.WITHDRAWN:
            ineligible_rows.append((application, standing, False, "企业已撤回申报。"))
        elif standing.meets(min_grade):
            eligible_rows.append((application, standing, True, standing.verdict(min_grade)))
        else:
            ineligible_rows.append((application, standing, False, standing.verdict(min_grade)))
    used = 0
    for rank, (application, standing, eligible, reason) in enumerate(eligible_rows, start=1):
        need = application.places if programme.kind == "training" else 1
        fits = programme.quota is None or used + need <= programme.quota
        if fits:
            used += need
        ranked.append(RankedApplication(rank, application, standing, eligible, reason, fits))
    for application, standing, eligible, reason in ineligible_rows:
        ranked.append(RankedApplication(None, application, standing, eligible, reason, False))
    return ranked


# --- Coverage (信用惠民覆盖面) ----------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    key: object
    label: str
    residents: int
    redemptions: int
    discount: Decimal


@dataclass
class Coverage:
    date_from: date
    date_to: date
    residents_registered: int
    residents_benefited: int
    redemptions: int
    order_amount: Decimal
    discount: Decimal
    enterprises_participating: int
    by_township: list[CoverageRow]
    by_group: list[CoverageRow]
    by_measure: list[CoverageRow]
    by_enterprise: list[CoverageRow]
    by_month: list[CoverageRow]

    @property
    def coverage_percent(self) -> Decimal:
        if not self.residents_registered:
            return Decimal(0)
        return (Decimal(self.residents_benefited) * 100 / self.residents_registered).quantize(
            Decimal("0.1")
        )


def _rows(queryset, key: str, label: str, resident: str = "resident", amount="discount_amount"):
    rows = (
        queryset.values(key, label)
        .annotate(
            n_residents=Count(resident, distinct=True),
            n_redemptions=Count("pk", distinct=True),
            total=Coalesce(Sum(amount), Value(Decimal(0)), output_field=DecimalField()),
        )
        .order_by("-total", label)
    )
    return [
        CoverageRow(r[key], str(r[label]), r["n_residents"], r["n_redemptions"], r["total"])
        for r in rows
    ]


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# The breakdowns `coverage` can give; a caller showing fewer asks only for those.
COVERAGE_BREAKDOWNS = frozenset({"township", "group", "measure", "enterprise", "month"})


def coverage(
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    breakdowns: frozenset[str] = COVERAGE_BREAKDOWNS,
) -> Coverage:
    """Residents benefited, redemptions and discounts by township, special group, measure,
    enterprise and month, for redemptions served in [date_from, date_to] (default: the
    twelve months to today). Cancelled redemptions do not count.

    Only the `breakdowns` asked for are read (the others are empty lists): the dashboard
    shows townships and groups, and the one by enterprise has a row per enterprise."""
    unknown = set(breakdowns) - COVERAGE_BREAKDOWNS
    if unknown:
        raise ValueError(f"unknown coverage breakdowns: {sorted(unknown)}")
    date_to = date_to or timezone.localdate()
    date_from = date_from or _year_before(date_to) + timedelta(days=1)
    base = Redemption.objects.counting().filter(served_on__gte=date_from, served_on__lte=date_to)
    totals = base.aggregate(
        residents=Count("resident", distinct=True),
        redemptions=Count("pk"),
        orders=Coalesce(Sum("order_amount"), Value(Decimal(0)), output_field=DecimalField()),
        discount=Coalesce(Sum("discount_amount"), Value(Decimal(0)), output_field=DecimalField()),
    )
    items = RedemptionItem.objects.filter(redemption__in=base)
    by_measure = [
        CoverageRow(r["measure_id"], r["measure__title"], r["n_residents"], r["n"], r["total"])
        for r in (items if "measure" in breakdowns else items.none())
        .values("measure_id", "measure__title")
        .annotate(
            n_residents=Count("redemption__resident", distinct=True),
            n=Count("redemption", distinct=True),
            total=Coalesce(Sum("discount_amount"), Value(Decimal(0)), output_field=DecimalField()),
        )
        .order_by("-n", "measure__title")
    ]
    months = (
        base.annotate(month=TruncMonth("served_on"))
        .values("month")
        .annotate(
            n_residents=Count("resident", distinct=True),
            n=Count("pk"),
            total=Coalesce(Sum("discount_amount"), Value(Decimal(0)), output_field=DecimalField()),
        )
        .order_by("month")
    )
    return Coverage(
        date_from=date_from,
        date_to=date_to,
        residents_registered=Resident.objects.count(),
        residents_benefited=totals["residents"],
        redemptions=totals["redemptions"],
        order_amount=totals["orders"],
        discount=totals["discount"],
        enterprises_participating=Participation.objects.filter(status=Participation.Status.ACTIVE)
        .values("enterprise_id")
        .distinct()
        .count(),
        by_township=_rows(base, "resident__township_id", "resident__township__name")
        if "township" in breakdowns
        else [],
        by_group=_rows(
            base.filter(special_groups__isnull=False),
            "special_groups__id",
            "special_groups__name",
        )
        if "group" in breakdowns
        else [],
        by_measure=by_measure,
        by_enterprise=_rows(base, "enterprise_id", "enterprise__name")
        if "enterprise" in breakdowns
        else [],
        by_month=[
            CoverageRow(r["month"], f"{r['month']:%Y年%m月}", r["n_residents"], r["n"], r["total"])
            for r in months
        ]
        if "month" in breakdowns
        else [],
    )


# --- The public enterprise profile ----------------------------------------------------------


def profile_measures(enterprise: Enterprise, day: date | None = None) -> list[IncentiveMeasure]:
    """The resident measures in force that `enterprise` takes part in and qualifies for today,
    the same rule as the public catalogue's participant lists."""
    day = day or timezone.localdate()
    measures = list(
        IncentiveMeasure.objects.in_force(day)
        .filter(
            participations__enterprise=enterprise,
            participations__status=Participation.Status.ACTIVE,
        )
        .order_by("sort_order", "title")
    )
    if not measures:
        return []
    standing = enterprise_standings([enterprise], day)[enterprise.pk]
    return [m for m in measures if m.offered_by_enterprises and standing.meets(m.min_grade)]


# --- Dossier section --------------------------------------------------------------------------


@dataclass
class EnterpriseIncentives:
    participations: list[Participation]
    redemptions_12m: int
    residents_12m: int
    discount_12m: Decimal
    applications: list[SupportApplication]


def enterprise_incentive_lists(enterprise: Enterprise) -> dict[str, QuerySet]:
    """What an enterprise's incentives summary reads: its measures, its latest support
    applications and, as one row of the enterprise, its last twelve months' benefits."""
    since = _year_before(timezone.localdate())
    benefits = Redemption.objects.counting().filter(enterprise=OuterRef("pk"), served_on__gt=since)

    def total(**aggregate):
        return Subquery(
            benefits.order_by().values("enterprise").annotate(**aggregate).values("value")
        )

    return {
        "participations": Participation.objects.filter(enterprise=enterprise)
        .select_related("measure")
        .order_by("measure__sort_order"),
        "applications": SupportApplication.objects.filter(enterprise=enterprise)
        .select_related("programme")
        .order_by("-submitted_at")[:20],
        "benefits": Enterprise.objects.filter(pk=enterprise.pk)
        .only("pk")
        .annotate(
            benefit_redemptions=total(value=Count("pk")),
            benefit_residents=total(value=Count("resident", distinct=True)),
            benefit_discount=total(value=Sum("discount_amount")),
        ),
    }


def incentives_from(rows: dict[str, list]) -> EnterpriseIncentives:
    """The summary of the rows `enterprise_incentive_lists` read."""
    (benefits,) = rows["benefits"]
    return EnterpriseIncentives(
        participations=rows["participations"],
        redemptions_12m=benefits.benefit_redemptions or 0,
        residents_12m=benefits.benefit_residents or 0,
        discount_12m=Decimal(str(benefits.benefit_discount or 0)),
        applications=rows["applications"],
    )


def incentives_for_enterprise(enterprise: Enterprise) -> EnterpriseIncentives:
    """An enterprise's incentives summary (one query)."""
    return incentives_from(fetch_lists(enterprise_incentive_lists(enterprise)))


def residents_with_mobile(mobile: str) -> list[Resident]:
    """The residents registered with this (normalised) mobile number, found by its hash."""
    return residents_with_mobile_hash(personal_data.phone_hash(mobile))


def residents_with_mobile_hash(digest: str) -> list[Resident]:
    if not digest:
        return []
    residents = Resident.objects.filter(mobile_hash=digest)
    return list(residents.select_related("township").order_by("pk"))


def special_groups() -> list[SpecialGroup]:
    """The active special groups in their public order, with what proves membership."""
    return list(SpecialGroup.objects.filter(is_active=True).order_by("sort_order", "name"))


def resident_registrations(mobile_hash: str) -> list[Resident]:
    """The residents registered with this mobile (by its hash), with their special-group
    memberships and applications, for the resident's own status page."""
    if not mobile_hash:
        return []
    residents = Resident.objects.filter(mobile_hash=mobile_hash).select_related("township")
    return list(residents.prefetch_related("memberships__group").order_by("pk"))
