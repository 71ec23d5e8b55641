"""Eligibility (资格判定): who gets which measure, the stacked discount after the cap, and a
sentence for every condition. The public check, the portal, the admin and the redemption
service all call `eligibility`, so they cannot disagree.

Rules, in the order they are explained:

- A measure counts only while it is enabled and within its validity period.
- Resident measures: the resident's credit status must be good — a resident on an imported
  dishonesty list (e.g. 失信被执行人) gets no resident benefit at all (守信激励 rewards the
  trustworthy). A measure limited to special groups needs a verified membership valid on the
  day (or the age, for groups recognised by age from the ID number). A measure limited to
  service categories applies to those only. The enterprise giving the service must take part
  in the measure and meet its minimum grade; B-graded enterprises, enterprises on the
  key-management list (重点管理名单), unrated and non-operating ones never qualify. A measure
  used as often as its limit allows in the current period (day, week, month, year or the
  measure's validity) does not apply again until the next period.
- Enterprise and worker measures: the subject itself must meet the minimum grade, with the
  same bars (B, key management, no final rating).
- Discounts: stackable discounts add up (10% + 5% = 15% off the order), limited by the
  lowest cap among them; a non-stackable discount is used alone. When both are possible the
  resident gets whichever is larger (the stacked sum on a tie). A special-group measure
  without its own rate gives the highest extra discount among the resident's groups.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext

from registry.models import Enterprise, ServiceCategory, Worker

from ..models import (
    Audience,
    BookingRequest,
    IncentiveMeasure,
    LimitPeriod,
    Participation,
    Redemption,
    RedemptionItem,
    Resident,
    SpecialGroup,
)
from ..standing import Standing, enterprise_standing, worker_standing
from .eligibility_checks import (  # noqa: F401 (day_text, percent_text: used by redemptions)
    PERIOD_WORDS,
    Check,
    category_check,
    credit_check,
    day_text,
    group_check,
    limit_check,
    percent_text,
    resident_groups,
    validity_check,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass
class MeasureVerdict:
    measure: IncentiveMeasure
    checks: list[Check] = field(default_factory=list)
    discount_percent: Decimal | None = None  # the measure's rate for this subject
    special_group: SpecialGroup | None = None  # the group that qualified it, if any
    used_in_period: int = 0
    counted_percent: Decimal | None = None  # its share of the final discount
    note: str = ""

    @property
    def applies(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def counted(self) -> bool:
        return self.counted_percent is not None


@dataclass
class Composition:
    """How the applicable discounts combine."""

    percent: Decimal = Decimal(0)
    uncapped_percent: Decimal = Decimal(0)
    cap_percent: Decimal | None = None
    lines: list[str] = field(default_factory=list)


@dataclass
class Eligibility:
    subject: object
    enterprise: Enterprise | None
    category: ServiceCategory | None
    day: date
    verdicts: list[MeasureVerdict]
    composition: Composition
    standing: Standing | None = None  # of `enterprise`, or of the subject for its own measures
    groups: list[SpecialGroup] = field(default_factory=list)  # the resident's valid groups
    pending_groups: list[str] = field(default_factory=list)

    @property
    def applicable(self) -> list[MeasureVerdict]:
        return [v for v in self.verdicts if v.applies]

    @property
    def not_applicable(self) -> list[MeasureVerdict]:
        return [v for v in self.verdicts if not v.applies]

    @property
    def discount_percent(self) -> Decimal:
        return self.composition.percent


# --- Periods -----------------------------------------------------------------------------------


def period_bounds(measure: IncentiveMeasure, day: date) -> tuple[date, date]:
    """The limit period of `measure` that contains `day`, both ends included."""
    period = measure.limit_period
    if period == LimitPeriod.DAY:
        return day, day
    if period == LimitPeriod.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if period == LimitPeriod.MONTH:
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following - timedelta(days=1)
    if period == LimitPeriod.YEAR:
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    return measure.valid_from, measure.valid_to or date.max


def _usage(resident: Resident, measures, day: date, exclude_redemption=None) -> dict[int, int]:
    """{measure id: uses in the limit period containing `day`} in one query."""
    limited = [m for m in measures if m.limit_count]
    if not limited or resident.pk is None:
        return {}
    bounds = {m.pk: period_bounds(m, day) for m in limited}
    rows = RedemptionItem.objects.filter(
        redemption__resident=resident,
        redemption__status=Redemption.Status.RECORDED,
        measure_id__in=list(bounds),
        redemption__served_on__gte=min(low for low, _ in bounds.values()),
        redemption__served_on__lte=max(high for _, high in bounds.values()),
    )
    if exclude_redemption is not None:
        rows = rows.exclude(redemption=exclude_redemption)
    used: dict[int, int] = defaultdict(int)
    uses = list(rows.values_list("measure_id", "redemption__served_on"))
    uses += _booking_uses(resident, bounds)
    for measure_id, served_on in uses:
        low, high = bounds[measure_id]
        if low <= served_on <= high:
            used[measure_id] += 1
    return used


def _booking_uses(resident: Resident, bounds: dict) -> list[tuple[int, date]]:
    """Bookings waiting or accepted count as uses of the priority-booking and
    free-consultation measures they relied on, on the day they were made."""
    bookings = BookingRequest.objects.filter(
        resident=resident,
        status__in=[BookingRequest.Status.OPEN, BookingRequest.Status.ACCEPTED],
        created_at__date__gte=min(low for low, _ in bounds.values()),
        created_at__date__lte=max(high for _, high in bounds.values()),
    ).filter(Q(priority_measure_id__in=list(bounds)) | Q(consultation_measure_id__in=list(bounds)))
    uses = []
    for priority, consultation, created in bookings.values_list(
        "priority_measure_id", "consultation_measure_id", "created_at"
    ):
        day = timezone.localdate(created)
        uses += [(pk, day) for pk in (priority, consultation) if pk in bounds]
    return uses


# --- Conditions --------------------------------------------------------------------------------


def _discount_for(measure: IncentiveMeasure, qualifying: list[SpecialGroup]):
    """(rate, group) of a discount measure for a resident in `qualifying` groups."""
    if measure.discount_percent is not None:
        return measure.discount_percent, (qualifying[0] if qualifying else None)
    with_rate = [g for g in qualifying if g.extra_discount_percent]
    if not with_rate:
        return None, None
    best = max(with_rate, key=lambda g: (g.extra_discount_percent, -g.sort_order))
    return best.extra_discount_percent, best


# --- Composition -------------------------------------------------------------------------------


def compose(verdicts: list[MeasureVerdict]) -> Composition:
    """Combine the discounts of the applicable verdicts (sets `counted_percent` and `note`
    on each). Shares of a capped stack are scaled so that they add up to the cap."""
    for verdict in verdicts:
        verdict.counted_percent, verdict.note = None, ""
    discounts = [v for v in verdicts if v.applies and v.discount_percent]
    result = Composition()
    if not discounts:
        return result
    stack = [v for v in discounts if v.measure.stackable]
    alone = sorted(
        (v for v in discounts if not v.measure.stackable),
        key=lambda v: v.discount_percent,
        reverse=True,
    )
    uncapped = sum((v.discount_percent for v in stack), Decimal(0))
    caps = [v.measure.stack_cap_percent for v in stack if v.measure.stack_cap_percent]
    cap = min([*caps, HUNDRED])
    stacked = min(uncapped, cap)
    best_alone = alone[0] if alone else None
    if best_alone is not None and best_alone.discount_percent > stacked:
        best_alone.counted_percent = best_alone.discount_percent
        result.percent = result.uncapped_percent = best_alone.discount_percent
        result.lines.append(
            gettext(
                "“%(title)s”不与其他优惠同享，单独使用优惠%(discount_percent)s，比其他优惠合计更多，按此计算。"
            )
            % {
                "title": best_alone.measure.title,
                "discount_percent": percent_text(best_alone.discount_percent),
            }
        )
        for verdict in [*stack, *alone[1:]]:
            verdict.note = gettext("本次不与“%(title)s”同享。") % {
                "title": best_alone.measure.title
            }
        return result
    result.uncapped_percent = uncapped
    result.percent = stacked
    terms = " + ".join(percent_text(v.discount_percent) for v in stack)
    if len(stack) > 1:
        result.lines.append(
            gettext("可叠加的优惠：%(terms)s = %(uncapped)s。")
            % {"terms": terms, "uncapped": percent_text(uncapped)}
        )
    if uncapped > cap:
        result.cap_percent = cap
        result.lines.append(
            gettext("叠加后超过上限%(cap)s，按%(cap)s计算。") % {"cap": percent_text(cap)}
        )
    remaining = stacked
    for index, verdict in enumerate(stack):
        if index == len(stack) - 1:
            share = remaining
        else:
            share = (verdict.discount_percent * stacked / uncapped).quantize(CENT, ROUND_HALF_UP)
        verdict.counted_percent = share
        remaining -= share
    for verdict in alone:
        verdict.note = gettext("不可与其他优惠叠加，本次按叠加后更优惠的方案计算。")
    return result


# --- The one function ---------------------------------------------------------------------------


def _default_measures(audience: str, day: date):
    return IncentiveMeasure.objects.in_force(day).filter(audience=audience)


def eligibility(
    *,
    subject: Resident | Enterprise | Worker,
    enterprise: Enterprise | None = None,
    category: ServiceCategory | None = None,
    day: date | None = None,
    measures=None,
    exclude_redemption: Redemption | None = None,
) -> Eligibility:
    """Which measures `subject` gets (at `enterprise`, for `category`, on `day`), the
    combined discount and the reasons. `measures` defaults to the measures in force for the
    subject's audience; pass others to explain why they do not apply."""
    day = day or timezone.localdate()
    if isinstance(subject, Resident):
        return _for_resident(subject, enterprise, category, day, measures, exclude_redemption)
    audience = Audience.ENTERPRISE if isinstance(subject, Enterprise) else Audience.WORKER
    if measures is None:
        measures = _default_measures(audience, day)
    standing = (
        enterprise_standing(subject, day)
        if isinstance(subject, Enterprise)
        else worker_standing(subject, day)
    )
    verdicts = []
    for measure in measures:
        verdict = MeasureVerdict(measure, [validity_check(measure, day)])
        if measure.audience != audience:
            verdict.checks.append(
                Check(
                    False,
                    gettext("该措施面向%(audience)s。")
                    % {"audience": measure.get_audience_display()},
                )
            )
        verdict.checks.append(
            Check(standing.meets(measure.min_grade), standing.verdict(measure.min_grade))
        )
        verdicts.append(verdict)
    return Eligibility(
        subject=subject,
        enterprise=None,
        category=None,
        day=day,
        verdicts=verdicts,
        composition=Composition(),
        standing=standing,
    )


def _for_resident(resident, enterprise, category, day, measures, exclude_redemption):
    if measures is None:
        measures = _default_measures(Audience.RESIDENT, day)
    measures = list(measures)
    prefetch_related_objects(measures, "special_groups", "categories")
    groups, pending = resident_groups(resident, day)
    used = _usage(resident, measures, day, exclude_redemption)
    participating: set[int] = set()
    standing = None
    if enterprise is not None:
        standing = enterprise_standing(enterprise, day)
        participating = set(
            Participation.objects.filter(
                enterprise=enterprise,
                status=Participation.Status.ACTIVE,
                measure_id__in=[m.pk for m in measures],
            ).values_list("measure_id", flat=True)
        )
    credit = credit_check(resident)
    verdicts = []
    for measure in measures:
        verdict = MeasureVerdict(measure, [validity_check(measure, day)])
        if measure.audience != Audience.RESIDENT:
            verdict.checks.append(
                Check(
                    False,
                    gettext("该措施面向%(audience)s。")
                    % {"audience": measure.get_audience_display()},
                )
            )
        verdict.checks.append(credit)
        measure_groups = list(measure.special_groups.all())
        qualifying: list[SpecialGroup] = []
        if measure_groups:
            check, qualifying = group_check(measure_groups, groups)
            verdict.checks.append(check)
        measure_categories = list(measure.categories.all())
        if measure_categories:
            verdict.checks.append(category_check(measure_categories, category))
        if enterprise is None:
            verdict.checks.append(
                Check(
                    True,
                    gettext("须在参加此项措施、信用等级%(min_grade)s级及以上的企业使用。")
                    % {"min_grade": measure.min_grade},
                )
            )
        else:
            joined = measure.pk in participating
            verdict.checks.append(
                Check(
                    joined,
                    gettext("%(enterprise)s参加了此项措施。") % {"enterprise": enterprise.name}
                    if joined
                    else gettext("%(enterprise)s没有参加此项措施。")
                    % {"enterprise": enterprise.name},
                )
            )
            verdict.checks.append(
                Check(standing.meets(measure.min_grade), standing.verdict(measure.min_grade))
            )
        if measure.limit_count:
            verdict.used_in_period = used.get(measure.pk, 0)
            verdict.checks.append(limit_check(measure, verdict.used_in_period))
        if measure.is_discount:
            rate, group = _discount_for(measure, qualifying)
            if rate is None and verdict.applies:
                verdict.checks.append(
                    Check(False, gettext("您所属的特殊群体没有设定额外优惠比例。"))
                )
            verdict.discount_percent, verdict.special_group = rate, group
        elif qualifying:
            verdict.special_group = qualifying[0]
        verdicts.append(verdict)
    return Eligibility(
        subject=resident,
        enterprise=enterprise,
        category=category,
        day=day,
        verdicts=verdicts,
        composition=compose(verdicts),
        standing=standing,
        groups=groups,
        pending_groups=pending,
    )
