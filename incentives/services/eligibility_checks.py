"""The single checks of eligibility (incentives.services.eligibility) and the words they
are said in: each gives a Check, a yes or no with the sentence a resident or an enterprise
reads (translated: the benefit check is a public page)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import ServiceCategory

from ..models import (
    GroupMembership,
    IncentiveMeasure,
    LimitPeriod,
    Resident,
    SpecialGroup,
)


def percent_text(value: Decimal) -> str:
    """Decimal("10.00") → "10%"."""
    return f"{value.normalize():f}%"


def day_text(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str


PERIOD_WORDS = {
    LimitPeriod.DAY: (_("当天"), _("明天")),
    LimitPeriod.WEEK: (_("本周"), _("下周")),
    LimitPeriod.MONTH: (_("本月"), _("下个月")),
    LimitPeriod.YEAR: (_("今年"), _("明年")),
    LimitPeriod.VALIDITY: (_("有效期内"), ""),
}


def validity_check(measure: IncentiveMeasure, day: date) -> Check:
    if not measure.is_active:
        return Check(False, gettext("该措施已停用。"))
    if day < measure.valid_from:
        return Check(
            False,
            gettext("该措施自%(valid_from)s起实施，尚未开始。")
            % {"valid_from": day_text(measure.valid_from)},
        )
    if measure.valid_to and day > measure.valid_to:
        return Check(
            False,
            gettext("该措施已于%(valid_to)s结束。") % {"valid_to": day_text(measure.valid_to)},
        )
    if measure.valid_to:
        return Check(
            True,
            gettext("在有效期内（至%(valid_to)s）。") % {"valid_to": day_text(measure.valid_to)},
        )
    return Check(True, gettext("长期有效。"))


def credit_check(resident: Resident) -> Check:
    if resident.source == Resident.Source.ONLINE and not resident.is_verified:
        # Nobody has seen the ID card of a resident registered online yet.
        return Check(False, gettext("网上登记的信息正等待工作人员核实，核实后即可享受守信激励。"))
    checked = (
        gettext("（%(credit_checked_on)s核查）")
        % {"credit_checked_on": day_text(resident.credit_checked_on)}
        if resident.credit_checked_on
        else ""
    )
    if resident.credit_status == Resident.CreditStatus.DISHONEST:
        note = f"：{resident.credit_note}" if resident.credit_note else ""
        return Check(
            False,
            gettext("已被列入失信名单%(note)s%(checked)s，不能享受守信激励。")
            % {"note": note, "checked": checked},
        )
    return Check(True, gettext("信用状况良好%(checked)s。") % {"checked": checked})


def resident_groups(resident: Resident, day: date) -> tuple[list[SpecialGroup], list[str]]:
    """The special groups the resident belongs to on `day` (verified memberships valid that
    day, and groups recognised by age), and sentences about memberships that do not count."""
    groups: list[SpecialGroup] = []
    pending: list[str] = []
    if resident.pk is not None:
        for membership in resident.memberships.select_related("group"):
            group = membership.group
            if not group.is_active:
                continue
            if not membership.valid_on(day):
                pending.append(gettext("“%(group)s”认定不在有效期内。") % {"group": group.name})
            elif membership.status == GroupMembership.Status.REJECTED:
                pending.append(
                    gettext("“%(group)s”认定未通过工作人员核实。") % {"group": group.name}
                )
            elif not membership.is_verified:
                pending.append(
                    gettext("“%(group)s”认定正等待工作人员核实。") % {"group": group.name}
                )
            else:
                groups.append(group)
    age = resident.age_on(day)
    for group in SpecialGroup.objects.filter(is_active=True, min_age__isnull=False):
        if age >= group.min_age and group not in groups:
            groups.append(group)
    groups.sort(key=lambda g: (g.sort_order, g.name))
    return groups, pending


def group_check(measure_groups: list[SpecialGroup], groups: list[SpecialGroup]):
    """(Check, the qualifying groups) for a measure limited to special groups."""
    names = "、".join(g.name for g in measure_groups)
    qualifying = [g for g in groups if g in measure_groups]
    if qualifying:
        return Check(
            True,
            gettext("限%(names)s享受；您属于%(qualifying)s。")
            % {"names": names, "qualifying": "、".join(g.name for g in qualifying)},
        ), (qualifying)
    return Check(False, gettext("限%(names)s享受，您没有有效的认定。") % {"names": names}), []


def category_check(measure_categories, category: ServiceCategory | None) -> Check:
    names = "、".join(c.name for c in measure_categories)
    if category is None:
        return Check(True, gettext("适用于：%(names)s。") % {"names": names})
    if category in measure_categories:
        return Check(True, gettext("适用于%(category)s。") % {"category": category.name})
    return Check(
        False,
        gettext("只适用于%(names)s，不适用于%(category)s。")
        % {"names": names, "category": category.name},
    )


def limit_check(measure: IncentiveMeasure, used: int) -> Check:
    this, next_ = PERIOD_WORDS[LimitPeriod(measure.limit_period)]
    rule = gettext("%(limit_text)s，%(this)s已用%(used)s次") % {
        "limit_text": measure.limit_text,
        "this": this,
        "used": used,
    }
    if used < measure.limit_count:
        return Check(True, f"{rule}。")
    later = gettext("，%(next_)s起可再次使用") % {"next_": next_} if next_ else ""
    return Check(False, gettext("%(rule)s，已达上限%(later)s。") % {"rule": rule, "later": later})
