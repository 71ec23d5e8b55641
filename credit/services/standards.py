"""Writes to the evaluation standard. A standard that a rating has used is locked: later
changes go into a new version, so every rating stays explainable by the standard it used."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.audit import audited_delete, audited_save

from ..models import EvaluationStandard, Indicator, VetoRule
from .rating import standard_problems


class StandardLockedError(ValidationError):
    pass


LOCKED_MESSAGE = "该标准已被信用评价使用，不能修改；请新建版本。"


def standard_can_change(standard: EvaluationStandard | None) -> bool:
    """Whether the standard's indicators and vetoes may still be edited: not once a rating
    has used it (a new standard, not yet saved, may)."""
    return standard is None or standard.locked_at is None


def _refuse_locked(standard_id: int) -> None:
    stored = EvaluationStandard.objects.select_for_update().get(pk=standard_id)
    if not standard_can_change(stored):
        raise StandardLockedError(LOCKED_MESSAGE, code="locked")


@transaction.atomic
def standard_save(*, actor, standard: EvaluationStandard) -> EvaluationStandard:
    if standard.pk:
        stored = EvaluationStandard.objects.select_for_update().get(pk=standard.pk)
        if stored.locked_at is not None:
            changed = [
                f.name
                for f in EvaluationStandard._meta.concrete_fields
                if f.name not in ("change_note",)
                and getattr(stored, f.attname) != getattr(standard, f.attname)
            ]
            if changed:
                raise StandardLockedError(LOCKED_MESSAGE, code="locked")
    standard.full_clean()
    audited_save(standard, actor=actor)
    return standard


@transaction.atomic
def standard_part_save(*, actor, part: Indicator | VetoRule) -> Indicator | VetoRule:
    """Add or change an indicator or veto rule of a standard no rating has used yet."""
    _refuse_locked(part.standard_id)
    part.full_clean()
    return audited_save(part, actor=actor)


@transaction.atomic
def standard_part_delete(*, actor, part: Indicator | VetoRule) -> None:
    """Remove an indicator or veto rule of a standard no rating has used yet."""
    _refuse_locked(part.standard_id)
    audited_delete(part, actor=actor)


@transaction.atomic
def standard_delete(*, actor, record: EvaluationStandard) -> None:
    """Remove a standard entered by mistake (ratings protect the standards they used)."""
    audited_delete(record, actor=actor)


@transaction.atomic
def standard_new_version(*, actor, standard: EvaluationStandard) -> EvaluationStandard:
    """A draft copy (indicators and vetoes included) with the next version number."""
    latest = EvaluationStandard.objects.filter(
        year=standard.year, subject_type=standard.subject_type
    ).aggregate(v=Max("version"))["v"]
    indicators = list(standard.indicators.all())
    vetoes = list(standard.vetoes.all())
    copy = EvaluationStandard(
        year=standard.year,
        subject_type=standard.subject_type,
        version=(latest or 0) + 1,
        title=standard.title,
        description=standard.description,
        aaa_min=standard.aaa_min,
        aa_min=standard.aa_min,
        a_min=standard.a_min,
        min_registered_months=standard.min_registered_months,
        status=EvaluationStandard.Status.DRAFT,
        change_note=f"由第{standard.version}版修订",
    )
    audited_save(copy, actor=actor)
    for indicator in indicators:
        indicator.pk = None
        indicator.standard = copy
        audited_save(indicator, actor=actor)
    for veto in vetoes:
        veto.pk = None
        veto.standard = copy
        audited_save(veto, actor=actor)
    return copy


@transaction.atomic
def standard_activate(*, actor, standard: EvaluationStandard) -> EvaluationStandard:
    problems = standard_problems(standard)
    if problems:
        raise ValidationError(problems)
    current = EvaluationStandard.objects.select_for_update().filter(
        year=standard.year, subject_type=standard.subject_type,
        status=EvaluationStandard.Status.ACTIVE,
    ).exclude(pk=standard.pk)  # fmt: skip
    for previous in current:
        previous.status = EvaluationStandard.Status.RETIRED
        audited_save(previous, actor=actor, update_fields=["status"])
    standard.status = EvaluationStandard.Status.ACTIVE
    audited_save(standard, actor=actor, update_fields=["status"])
    return standard
