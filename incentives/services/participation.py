"""Enterprises opting in to resident measures (参与守信激励), and the catalogue itself."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audited_save
from registry.models import Enterprise

from ..models import IncentiveMeasure, Participation, SpecialGroup
from ..standing import Standing, enterprise_standing


@transaction.atomic
def measure_save(*, actor, measure: IncentiveMeasure) -> IncentiveMeasure:
    measure.full_clean()
    audited_save(measure, actor=actor)
    return measure


@transaction.atomic
def special_group_save(*, actor, group: SpecialGroup) -> SpecialGroup:
    group.full_clean()
    audited_save(group, actor=actor)
    return group


def participation_problems(
    *, enterprise: Enterprise, measure: IncentiveMeasure, standing: Standing | None = None
) -> list[str]:
    """Why the enterprise may not take part in the measure today (empty when it may). A
    page listing many measures passes the enterprise's `standing`, worked out once."""
    today = timezone.localdate()
    if not measure.offered_by_enterprises:
        return ["该措施面向企业或从业人员本身，无需参与，可通过扶持与培训项目申报。"]
    if not measure.in_force_on(today):
        return ["该措施目前不在有效期内或已停用，不能参与。"]
    standing = standing or enterprise_standing(enterprise, today)
    if not standing.meets(measure.min_grade):
        return [standing.verdict(measure.min_grade)]
    return []


@transaction.atomic
def participation_opt_in(
    *, actor, enterprise: Enterprise, measure: IncentiveMeasure, note: str = ""
) -> Participation:
    """An enterprise takes part in a resident measure. Only enterprises at or above the
    measure's minimum grade, operating and not on the key-management list may."""
    problems = participation_problems(enterprise=enterprise, measure=measure)
    if problems:
        raise ValidationError(problems[0], code="not_eligible")
    # Lock the pair's row if it exists: a double click must not write two history rows.
    participation = (
        Participation.objects.select_for_update()
        .filter(measure=measure, enterprise=enterprise)
        .first()
    )
    if participation is None:
        participation = Participation(measure=measure, enterprise=enterprise)
    elif participation.status == Participation.Status.ACTIVE:
        return participation
    participation.status = Participation.Status.ACTIVE
    participation.joined_at = timezone.now()
    participation.withdrawn_at = None
    participation.note = note[:200]
    participation.full_clean(validate_constraints=False)
    audited_save(participation, actor=actor)
    return participation


@transaction.atomic
def participation_withdraw(*, actor, participation: Participation, note: str = "") -> Participation:
    """The enterprise stops giving the benefit (or staff withdraw it)."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.status == Participation.Status.WITHDRAWN:
        return participation
    participation.status = Participation.Status.WITHDRAWN
    participation.withdrawn_at = timezone.now()
    if note:
        participation.note = note[:200]
    audited_save(participation, actor=actor)
    return participation


@transaction.atomic
def participation_note_change(*, actor, participation: Participation, note: str) -> Participation:
    """Staff correct the note of a participation; nothing else of it changes by hand."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    participation.note = note[:200]
    audited_save(participation, actor=actor, update_fields=["note"])
    return participation


@transaction.atomic
def participation_townships_set(*, actor, participation: Participation, townships) -> Participation:
    """The townships a booking participation takes requests from (none: the whole county).
    The change is written into the participation's history with the names."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    participation.townships.set(townships)
    names = "、".join(t.name for t in townships) or "全县"
    audited_save(participation, actor=actor, reason=f"接单乡镇：{names}"[:200])
    return participation
