"""Demo 举报 for `seed_demo`: violations reported without a personal loss — an unlicensed
operator, a borrowed service card, false advertising — filed on the web (one anonymous) or
transferred from 12315 and the phone, in every state a 举报 passes through: waiting for
acceptance, under investigation, closed as substantiated (into the credit file) or not,
and referred to 市场监管.

Through the real services, then moved into the past like the demo complaints. Idempotent:
the form tokens are fixed, so a second run changes nothing."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from complaints.models import CaseType, Channel, Complaint, ReferralBody, ReportCategory, Status
from complaints.services import (
    complaint_accept,
    complaint_close,
    complaint_investigation_start,
    complaint_refer,
    complaint_submit,
)
from registry.models import Enterprise, Township, WorkerCard

from .complaints_seed import complaint_backdate, complaint_officer
from .story import DemoStory

# (days ago, channel, category, where it ends up, substantiated, the subject: "registered"
#  an enterprise of the register, "card" a worker's card, None an unregistered operator)
R = ReportCategory
REPORTS = (
    (3, Channel.WEB, ReportCategory.UNLICENSED, Status.SUBMITTED, None, None),
    (10, Channel.WEB, ReportCategory.FAKE_CARD, Status.INVESTIGATING, None, "card"),
    (
        25,
        Channel.HOTLINE_12315,
        ReportCategory.FALSE_ADVERTISING,
        Status.CLOSED,
        True,
        "registered",
    ),
    (30, Channel.PHONE, ReportCategory.OTHER, Status.CLOSED, False, "registered"),
    (18, Channel.WEB, ReportCategory.UNLICENSED, Status.REFERRED, None, None),
)
WORDS = {
    ReportCategory.UNLICENSED: "小区门口挂牌招揽家政保洁，平台上查不到，也没有营业执照。",
    ReportCategory.FAKE_CARD: "上门人员出示的服务证照片与本人不符，像是借用别人的证。",
    ReportCategory.FALSE_ADVERTISING: "宣传单写“全员持证、国家级金牌月嫂”，实际无人持证。",
    ReportCategory.OTHER: "上门服务时不出示服务证，拒绝说明所属公司。",
}


def _subject(kind, index: int, enterprises: list[Enterprise]) -> dict:
    if kind == "registered":
        return {"enterprise": enterprises[(index * 3) % len(enterprises)]}
    if kind == "card":
        card = WorkerCard.objects.select_related("worker", "employment__enterprise").first()
        if card is not None:
            return {
                "enterprise": card.employment.enterprise,
                "worker": card.worker,
                "reported_card": card.number,
            }
    return {"enterprise_text": "滨河路无招牌家政点", "subject_address": "城关镇滨河路12号门面"}


def _walk(report: Complaint, officer, target: str, substantiated, received: date) -> Complaint:
    if target == Status.SUBMITTED:
        return report
    if target == Status.REFERRED:
        return complaint_refer(
            actor=officer,
            complaint=report,
            referred_to=ReferralBody.MARKET_REGULATION,
            referred_on=received + timedelta(days=1),
            note="无证经营属市场监管部门查处，已移交。",
        )
    report = complaint_accept(actor=officer, complaint=report)
    report = complaint_investigation_start(actor=officer, complaint=report)
    if target == Status.INVESTIGATING:
        return report
    return complaint_close(
        actor=officer,
        complaint=report,
        substantiated=substantiated,
        outcome="经现场核查，举报情况属实，已责令整改。"
        if substantiated
        else "经现场核查，未发现举报所称情况。",
    )


@transaction.atomic
def reports_demo_seed(story: DemoStory) -> int:
    officer = complaint_officer()
    enterprises = list(Enterprise.objects.order_by("pk"))
    townships = list(Township.objects.order_by("pk"))
    if officer is None or not enterprises or not townships:
        return 0
    created = 0
    for index, (days, channel, category, target, substantiated, kind) in enumerate(REPORTS):
        received = story.today - timedelta(days=days)
        result = complaint_submit(
            case_type=CaseType.REPORT,
            channel=channel,
            actor=officer if channel != Channel.WEB else None,
            submission_token=f"demo-report-{index:03d}",
            complainant_name="匿名" if index == 0 else "杨卓玛",
            phone=f"1399420{index:04d}",
            township=townships[index % len(townships)],
            service_date=timezone.localdate() - timedelta(days=1),
            category="",
            report_category=category,
            description=WORDS[category],
            desired_outcome="请依法调查处理。",
            **_subject(kind, index, enterprises),
        )
        if not result.created:
            continue
        report = _walk(result.complaint, officer, target, substantiated, received)
        complaint_backdate(Complaint.objects.get(pk=report.pk), days)
        created += 1
    return created
