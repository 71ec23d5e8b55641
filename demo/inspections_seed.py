"""Demo random inspections (双随机、一公开) for `seed_demo`: a pool of inspectors, last
quarter's round finished with its results, and this quarter's round under way with a
rectification in progress — the demo portal enterprise's report waiting for staff.

Everything goes through the real services. Idempotent: rounds are found by their title,
inspectors by their user name, so a second run changes nothing."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from credit.models import Severity
from credit.services.rectification import notice_submit
from inspections import selectors
from inspections.draw import draw
from inspections.models import DEFAULT_RATES, RATE_FIELDS, Inspection, InspectionRound
from inspections.services import inspection_record, round_draw
from registry.models import Enterprise
from zhouqu_jiazheng import roles

INSPECTORS = (
    ("jiancha1", "执法检查 李文"),
    ("jiancha2", "执法检查 张措"),
    ("jiancha3", "执法检查 赵红"),
)
RATES = {field: DEFAULT_RATES[stratum] for stratum, field in RATE_FIELDS.items()}
FINDINGS = {
    Inspection.Result.PASSED: "证照齐全，收费标准已公示，从业人员健康证在有效期内。",
    Inspection.Result.FAILED: "两名从业人员健康证过期仍上岗，服务合同未使用标准化服务约定。",
    Inspection.Result.RECTIFY: "店内未公示收费标准，投诉电话未张贴。",
}


def _inspectors() -> None:
    group = Group.objects.get(name=roles.CREDIT_OFFICER)
    for username, full_name in INSPECTORS:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": full_name, "is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(group)


def _seed_drawing(first_seed: int, enterprise_id: int | None, starts_on, ends_on) -> int:
    """The first of a few fixed seeds whose draw includes `enterprise_id` (the demo portal's
    enterprise, so the portal has a notice to show), else the first seed."""
    population = selectors.population(starts_on)
    pool = list(selectors.inspector_pool().values_list("pk", flat=True))
    previous = selectors.previous_inspectors(population)
    rates = {**DEFAULT_RATES, **{s: RATES[f] for s, f in RATE_FIELDS.items()}}
    for seed in range(first_seed, first_seed + 50):
        drawn = draw(
            population=population,
            rates=rates,
            pool=pool,
            previous=previous,
            seed=seed,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        if any(d.enterprise_id == enterprise_id for d in drawn):
            return seed
    return first_seed


def _round(title: str, seed: int, starts_on, ends_on) -> InspectionRound:
    existing = InspectionRound.objects.filter(title=title).first()
    if existing is not None:
        return existing
    return round_draw(
        actor=None, title=title, starts_on=starts_on, ends_on=ends_on, rates=RATES, seed=seed
    )


def _record(inspection: Inspection, result: str, done_on) -> Inspection:
    return inspection_record(
        actor=None,
        inspection=inspection,
        result=result,
        findings=FINDINGS[result],
        done_on=done_on,
        severity=Severity.GENERAL,
    )


@transaction.atomic
def inspections_demo_seed() -> int:
    """Returns the number of rounds drawn (0 on a second run)."""
    today = timezone.localdate()
    portal_enterprise = Enterprise.objects.order_by("pk").values_list("pk", flat=True).first()
    if portal_enterprise is None:
        return 0
    _inspectors()
    drawn = 0
    quarter = (today.month - 1) // 3 + 1
    last_title = f"{today.year}年第{quarter}季度前一期双随机抽查"
    if not InspectionRound.objects.filter(title=last_title).exists():
        starts, ends = today - timedelta(days=100), today - timedelta(days=70)
        finished = _round(last_title, 20250301, starts, ends)
        for n, inspection in enumerate(finished.inspections.order_by("pk")):
            result = Inspection.Result.FAILED if n == 1 else Inspection.Result.PASSED
            _record(inspection, result, inspection.scheduled_on)
        drawn += 1
    title = f"{today.year}年第{quarter}季度双随机抽查"
    if not InspectionRound.objects.filter(title=title).exists():
        starts, ends = today - timedelta(days=20), today + timedelta(days=40)
        seed = _seed_drawing(20250601, portal_enterprise, starts, ends)
        current = _round(title, seed, starts, ends)
        _current_results(current, portal_enterprise, today)
        drawn += 1
    return drawn


def _current_results(current: InspectionRound, portal_enterprise: int, today) -> None:
    """A few results so far: passes, and the portal enterprise ordered to rectify, its
    report already sent (待验收); another enterprise's notice still open."""
    inspections = list(current.inspections.order_by("scheduled_on", "pk"))
    ours = next((i for i in inspections if i.enterprise_id == portal_enterprise), None)
    others = [i for i in inspections if i is not ours and i.scheduled_on <= today]
    if ours is not None:
        done = _record(ours, Inspection.Result.RECTIFY, min(ours.scheduled_on, today))
        notice_submit(
            actor=None,
            notice=done.notice,
            enterprise=done.enterprise,
            report="已在店内醒目位置公示全部服务项目收费标准，并张贴12345和县商务局投诉电话。",
        )
    for n, inspection in enumerate(others[:4]):
        result = Inspection.Result.RECTIFY if n == 0 else Inspection.Result.PASSED
        _record(inspection, result, inspection.scheduled_on)
