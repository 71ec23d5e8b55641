"""Inspection rounds (双随机、一公开): drawing a round and recording each inspection's result.

`round_draw` records the seed and every input of the draw with the round, so
`selectors.round_replay` makes the same draw again; the round's history row names who drew
it and the seed. A result becomes one credit event as a spot check does (合格: 抽查合格; 不合格:
抽查不合格 of the severity staff judge; 责令整改: 抽查不合格, 轻微), and a result other than
合格 sends the enterprise a rectification notice through credit's service."""

import logging
import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audited_save, history_user
from credit.models import CreditEvent, EventKind, Severity
from credit.services.events import credit_event_record
from credit.services.rectification import notice_issue, rectification_deadline

from . import selectors
from .draw import draw
from .models import RATE_FIELDS, Inspection, InspectionRound

logger = logging.getLogger(__name__)


def new_seed() -> int:
    return secrets.randbits(48)


def _check_rates(rates: dict[str, int]) -> dict[str, int]:
    checked = {}
    for stratum, field in RATE_FIELDS.items():
        value = rates.get(stratum, rates.get(field))
        if value is None or not 0 <= int(value) <= 100:
            raise ValidationError({field: "抽查比例应为0至100之间的整数。"})
        checked[field] = int(value)
    return checked


@transaction.atomic
def round_draw(
    *,
    actor,
    title: str,
    starts_on: date,
    ends_on: date,
    rates: dict[str, int],
    seed: int | None = None,
) -> InspectionRound:
    """Draw a round: enterprises per stratum and two inspectors each, from `seed` (a new
    random one unless given). Two draws at once cannot interleave (the rounds table is
    locked), so the rotation reads every earlier round."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写抽查名称。"})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "检查截止日期不能早于开始日期。"})
    fields = _check_rates(rates)
    seed = new_seed() if seed is None else int(seed)
    list(InspectionRound.objects.select_for_update().all().values_list("pk", flat=True))
    population = selectors.population(starts_on)
    pool = list(selectors.inspector_pool().values_list("pk", flat=True))
    previous = selectors.previous_inspectors(population)
    inspection_round = InspectionRound(
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        seed=seed,
        drawn_by=history_user(actor),
        draw_inputs={
            "population": {str(pk): s for pk, s in sorted(population.items())},
            "pool": pool,
            "previous": {str(pk): sorted(ids) for pk, ids in sorted(previous.items()) if ids},
        },
        **fields,
    )
    inspection_round.full_clean()
    drawn = draw(
        population=population,
        rates=inspection_round.rates(),
        pool=pool,
        previous=previous,
        seed=seed,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audited_save(
        inspection_round, actor=actor, reason=f"双随机抽取：种子{seed}，抽中{len(drawn)}家"
    )
    for row in drawn:
        inspection = Inspection(
            round=inspection_round,
            enterprise_id=row.enterprise_id,
            stratum=row.stratum,
            scheduled_on=row.scheduled_on,
        )
        audited_save(inspection, actor=actor, reason="双随机抽取")
        inspection.inspectors.set(row.inspector_ids)
    logger.info(
        "inspection round %s drawn by %s: seed %s, %d of %d enterprises",
        inspection_round.pk,
        getattr(actor, "pk", None),
        seed,
        len(drawn),
        len(population),
    )
    return inspection_round


def inspection_can_record(inspection: Inspection) -> bool:
    return not inspection.result


def _event_kind(result: str, severity: str) -> tuple[str, str, str]:
    if result == Inspection.Result.PASSED:
        return EventKind.SPOT_CHECK_PASSED, Severity.GENERAL, "双随机抽查合格"
    if result == Inspection.Result.FAILED:
        return EventKind.SPOT_CHECK_FAILED, severity, "双随机抽查不合格"
    return EventKind.SPOT_CHECK_FAILED, Severity.MINOR, "双随机抽查责令整改"


@transaction.atomic
def inspection_record(
    *,
    actor,
    inspection: Inspection,
    result: str,
    findings: str,
    done_on: date,
    evidence=None,
    severity: str = Severity.GENERAL,
    requirements: str = "",
    deadline: date | None = None,
) -> Inspection:
    """Record the result: a credit event, and for 不合格 or 责令整改 a rectification notice
    with `requirements` (the findings by default) due by `deadline`."""
    inspection = (
        Inspection.objects.select_for_update().select_related("round").get(pk=inspection.pk)
    )
    if not inspection_can_record(inspection):
        raise ValidationError("该检查已登记结果。", code="already_done")
    if result not in Inspection.Result.values:
        raise ValidationError({"result": "请选择检查结果。"})
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": "请填写检查情况。"})
    today = timezone.localdate()
    if done_on > today:
        raise ValidationError({"done_on": "检查日期不能晚于今天。"})
    if done_on < inspection.round.starts_on:
        raise ValidationError({"done_on": "检查日期不能早于本次抽查的开始日期。"})
    kind, severity, title = _event_kind(result, severity)
    source_ref = f"inspections.Inspection:{inspection.pk}"
    inspection.result_event = credit_event_record(
        actor=actor,
        kind=kind,
        occurred_on=done_on,
        title=f"{title}（{inspection.round.title}）"[:200],
        description=findings,
        enterprise=inspection.enterprise,
        severity=severity,
        source=CreditEvent.Source.INSPECTION,
        source_ref=source_ref,
    )
    if result != Inspection.Result.PASSED:
        inspection.notice = notice_issue(
            actor=actor,
            enterprise=inspection.enterprise,
            title=f"{title}（{inspection.round.title}）",
            requirements=(requirements or "").strip() or findings,
            deadline=deadline or rectification_deadline(today),
            source_ref=source_ref,
        )
    inspection.result = result
    inspection.findings = findings
    inspection.done_on = done_on
    if evidence is not None:
        from registry.services.documents import uploads_sanitise

        inspection.evidence = evidence
        uploads_sanitise(inspection)
    inspection.full_clean()
    audited_save(inspection, actor=actor, reason=f"登记检查结果：{inspection.get_result_display()}")
    _finish_round_if_done(actor, inspection.round)
    return inspection


def _finish_round_if_done(actor, inspection_round: InspectionRound) -> None:
    if inspection_round.inspections.filter(result="").exists():
        return
    inspection_round.status = InspectionRound.Status.FINISHED
    audited_save(inspection_round, actor=actor, update_fields=["status"], reason="检查全部完成")
