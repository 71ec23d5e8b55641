"""Demo complaints for `seed_demo`: cases in every state — some substantiated, some overdue.

Cases go through the real services (tracking numbers, timeline, credit events, outbox);
their dates are then moved into the past, spread over last year and this year, with the
deadlines recomputed on the working-day calendar and their credit records moved with them.
`until` seeds only what happened by that day, so the demo can rate a year once its facts
are in. Idempotent: the form tokens are fixed, so a second run finds everything already
there and changes nothing.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints.limits import STAGE_DAYS, response_days
from complaints.models import CaseType, Channel, Complaint, ReferralBody, Status
from complaints.services import (
    complaint_accept,
    complaint_assign,
    complaint_close,
    complaint_enterprise_respond,
    complaint_mediation_end,
    complaint_mediation_start,
    complaint_not_accept,
    complaint_refer,
    complaint_satisfaction_rate,
    complaints_check_deadlines,
)
from complaints.services.intake import complaint_submit
from core.workdays import add_working_days
from registry.models import Employment, Enterprise, ServiceCategory, Township
from registry.selectors import published_price

from .credit_seed import WARNED_ENTERPRISE, demo_events_backdate
from .story import DemoStory, demo_rng

# (when received: days ago, or (month, day) of last year; category; where it ends up;
#  substantiated; satisfaction; the enterprise concerned by position, None: one in turn)
CASES = (
    (2, "overcharging", Status.SUBMITTED, None, None, None),
    (4, "attitude", Status.SUBMITTED, None, None, None),
    (15, "substandard", Status.SUBMITTED, None, None, None),  # acceptance overdue
    (20, "false_advertising", Status.NOT_ACCEPTED, None, None, None),
    (40, "other", "rejected_closed", False, 3, None),
    (9, "substandard", Status.ACCEPTED, None, None, None),
    (30, "property_loss", Status.MEDIATING, None, None, None),
    (80, "overcharging", Status.MEDIATING, None, None, None),  # mediation overdue
    (35, "attitude", Status.MEDIATED, None, None, None),
    (50, "substandard", Status.MEDIATION_FAILED, None, None, None),
    (60, "overcharging", Status.CLOSED, True, 4, WARNED_ENTERPRISE),
    (70, "personal_safety", Status.CLOSED, True, 5, None),
    (90, "substandard", Status.CLOSED, False, 2, None),
    (120, "property_loss", Status.CLOSED, True, None, None),
    ((3, 12), "attitude", Status.CLOSED, False, 4, None),
    ((4, 18), "overcharging", Status.CLOSED, True, 4, None),
    ((5, 27), "substandard", Status.CLOSED, True, 3, WARNED_ENTERPRISE),
    ((6, 9), "substandard", Status.CLOSED, True, 3, None),
    ((7, 22), "attitude", Status.CLOSED, False, 5, None),
    ((9, 5), "property_loss", Status.CLOSED, True, 2, None),
    ((11, 14), "overcharging", Status.CLOSED, True, 4, None),
    ((12, 3), "other", "rejected_closed", False, 3, None),
    (6, "false_advertising", Status.ACCEPTED, None, None, None),  # from 12315
    (11, "overcharging", Status.REFERRED, None, None, None),  # referred to 市场监管
    ((8, 16), "substandard", Status.CLOSED, True, 4, None),  # a letter
)
# How the cases that did not come in through the web form reached the bureau (by position
# in CASES): entered by the complaint officer with their channel and case type.
CHANNELS = {
    1: (Channel.PHONE, CaseType.COMPLAINT),
    8: (Channel.VISIT, CaseType.COMPLAINT),
    12: (Channel.HOTLINE_12345, CaseType.COMPLAINT),
    22: (Channel.HOTLINE_12315, CaseType.COMPLAINT),  # 举报: demo/reports_seed.py
    23: (Channel.PHONE, CaseType.COMPLAINT),
    24: (Channel.LETTER, CaseType.COMPLAINT),
}


def _received(when, story: DemoStory) -> date:
    if isinstance(when, tuple):
        return date(story.last_year, *when)
    return story.today - timedelta(days=when)


DESCRIPTIONS = {
    "overcharging": ("保洁结束后以“加班费”为由多收200元，事先没有告知。", "退还多收的费用"),
    "attitude": ("服务人员态度生硬，对老人说话不耐烦。", "向老人道歉，今后改进"),
    "substandard": ("约定的厨房深度保洁没有完成，油烟机没有清洗。", "重新上门服务或退还部分费用"),
    "false_advertising": ("宣传“持证月嫂”，实际上门人员没有任何证书。", "退还定金"),
    "other": ("预约后两次爽约，没有提前通知。", "说明原因"),
    "property_loss": ("打扫时打碎了一个玉镯，服务人员没有主动告知。", "照价赔偿"),
    "personal_safety": ("护工照护时未按要求看护，老人在卫生间摔倒受伤。", "承担医疗费用并整改"),
}


def _charge(category: str, enterprise, service_category) -> dict:
    """An overcharging case's bill: 200 yuan above the enterprise's published price for the
    item (the guide range's top when it publishes none), as its description says."""
    if category != "overcharging" or service_category is None:
        return {}
    offering = published_price(enterprise, service_category)
    base = offering.price if offering else service_category.guide_price_max
    return {"charged_amount": base + 200}


def complaint_officer():
    User = get_user_model()
    return (
        User.objects.filter(username="tousu").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


def complaint_backdate(complaint: Complaint, days: int) -> None:
    """Move a case `days` into the past, keeping its deadlines on the working-day calendar
    and its credit records on the day it was closed."""
    shift = timedelta(days=days)
    fields = {}
    for name in (
        "received_at",
        "consent_at",
        "decided_at",
        "mediation_ended_at",
        "closed_at",
        "responded_at",
        "satisfaction_at",
    ):
        value = getattr(complaint, name)
        if value is not None:
            fields[name] = value - shift
    received = timezone.localdate(fields["received_at"])
    fields["acceptance_due"] = add_working_days(received, STAGE_DAYS["acceptance"])
    if complaint.mediation_due and fields.get("decided_at"):
        decided = timezone.localdate(fields["decided_at"])
        fields["mediation_due"] = add_working_days(decided, STAGE_DAYS["mediation"])
        if complaint.response_due:
            fields["response_due"] = add_working_days(decided, response_days())
    if complaint.investigation_due and fields.get("decided_at"):
        decided = timezone.localdate(fields["decided_at"])
        fields["investigation_due"] = add_working_days(decided, STAGE_DAYS["investigation"])
    if complaint.notification_due:
        ended = fields.get("mediation_ended_at") or fields.get("decided_at")
        fields["notification_due"] = add_working_days(
            timezone.localdate(ended), STAGE_DAYS["notification"]
        )
    fields["service_date"] = received - timedelta(days=2)
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    complaint.updates.update(created_at=fields["received_at"])
    demo_events_backdate(f"complaint:{complaint.pk}", days)


def _walk(
    complaint: Complaint,
    officer,
    target: str,
    substantiated,
    satisfaction,
    enterprise,
    received: date | None = None,
) -> Complaint:
    if target == Status.SUBMITTED:
        return complaint
    if target == Status.REFERRED:
        return complaint_refer(
            actor=officer,
            complaint=complaint,
            referred_to=ReferralBody.MARKET_REGULATION,
            referred_on=(received or timezone.localdate()) + timedelta(days=1),
            note="涉及明码标价违法行为，属市场监管部门职责。",
        )
    if target in (Status.NOT_ACCEPTED, "rejected_closed"):
        complaint = complaint_not_accept(
            actor=officer,
            complaint=complaint,
            reason="所投诉事项不属于家政服务范围，已告知向相关部门反映。",
        )
        if target == "rejected_closed":
            complaint = complaint_close(
                actor=officer,
                complaint=complaint,
                outcome="已告知投诉人不予受理的理由。",
                substantiated=False,
            )
            complaint_satisfaction_rate(complaint=complaint, score=satisfaction)
        return complaint
    # A resident who did not know the name: the officer links the enterprise on acceptance.
    link = None if complaint.enterprise_id else enterprise
    complaint = complaint_accept(actor=officer, complaint=complaint, enterprise=link)
    if target != Status.ACCEPTED:
        complaint = complaint_enterprise_respond(
            actor=None,
            enterprise=complaint.enterprise,
            complaint=complaint,
            text="已与客户电话沟通，愿意配合调解。",
        )
    if target == Status.ACCEPTED:
        return complaint
    complaint = complaint_mediation_start(actor=officer, complaint=complaint)
    if target == Status.MEDIATING:
        return complaint
    agreed = target != Status.MEDIATION_FAILED
    complaint = complaint_mediation_end(
        actor=officer,
        complaint=complaint,
        agreed=agreed,
        summary="企业退还部分服务费并书面道歉。"
        if agreed
        else "企业不同意赔偿，建议投诉人依法诉讼。",
    )
    if target in (Status.MEDIATED, Status.MEDIATION_FAILED):
        return complaint
    complaint = complaint_close(
        actor=officer,
        complaint=complaint,
        substantiated=substantiated,
        outcome="经调查投诉属实，企业已整改并赔偿。"
        if substantiated
        else "经调查投诉不属实，已向投诉人说明。",
    )
    if satisfaction:
        complaint_satisfaction_rate(complaint=complaint, score=satisfaction, comment="")
    return complaint


@transaction.atomic
def complaints_demo_seed(story: DemoStory, *, until: date) -> dict[str, int]:
    """The cases received by `until`."""
    rng = demo_rng("complaints")
    officer = complaint_officer()
    enterprises = list(Enterprise.objects.order_by("pk"))
    townships = list(Township.objects.order_by("pk"))
    categories = list(ServiceCategory.objects.order_by("pk"))
    if not enterprises or not townships:
        return {"complaints": 0}
    created = 0
    for index, case in enumerate(CASES):
        when, category, target, substantiated, satisfaction, position = case
        # Drawn for every case, so each case gets the same name whatever `until` is.
        complainant = rng.choice(["李秀英", "杨卓玛", "马桂兰", "张建华", "王翠花"])
        received = _received(when, story)
        if received > until or received < story.programme_start:
            continue
        if position is None:
            position = (index * 7) % len(enterprises)
        enterprise = enterprises[position % len(enterprises)]
        worker_employment = (
            Employment.objects.current()
            .filter(enterprise=enterprise)
            .select_related("worker")
            .first()
        )
        description, outcome = DESCRIPTIONS[category]
        service_category = categories[index % len(categories)] if categories else None
        named = enterprise if index % 5 else None
        channel, case_type = CHANNELS.get(index, (Channel.WEB, CaseType.COMPLAINT))
        if officer is None:
            channel = Channel.WEB
        result = complaint_submit(
            channel=channel,
            case_type=case_type,
            actor=officer if channel != Channel.WEB else None,
            submission_token=f"demo-complaint-{index:03d}",
            complainant_name=complainant,
            phone=f"1399410{index:04d}",
            township=enterprise.township if enterprise.township_id else townships[0],
            enterprise=named,
            enterprise_text="" if index % 5 else f"{enterprise.township.name}一家家政公司",
            worker=worker_employment.worker if worker_employment and index % 3 == 0 else None,
            service_date=timezone.localdate() - timedelta(days=2),
            service_category=service_category,
            category=category,
            description=description,
            desired_outcome=outcome,
            **_charge(category, named, service_category),
        )
        if not result.created:
            continue
        complaint = result.complaint
        if officer is not None:
            complaint = complaint_assign(actor=officer, complaint=complaint, officer=officer)
        complaint = _walk(
            complaint, officer, target, substantiated, satisfaction, enterprise, received
        )
        complaint_backdate(Complaint.objects.get(pk=complaint.pk), (story.today - received).days)
        created += 1
    complaints_check_deadlines()
    return {"complaints": created}
