"""Referral (转办): a case outside the bureau's remit is handed to the competent body —
市场监督管理局/12315, 12345, the police, 人社 or another named body — with the date and a note.
The case leaves the bureau's hands: its statutory deadlines stop, the complainant is told by
SMS and the tracking page shows where the case went."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Complaint, ReferralBody, Status
from .handling import _locked, _transition
from .notify import notification_queue


def complaint_referral_problems(
    *, referred_to: str, referred_to_other: str, referred_on: date | None, today: date
) -> dict[str, str]:
    """Why a referral cannot be recorded, by field."""
    problems = {}
    if referred_to not in ReferralBody.values:
        problems["referred_to"] = "请选择转办单位。"
    elif referred_to == ReferralBody.OTHER and not (referred_to_other or "").strip():
        problems["referred_to_other"] = "转办给其他单位时，请填写单位名称。"
    if referred_on is None:
        problems["referred_on"] = "请填写转办日期。"
    elif referred_on > today:
        problems["referred_on"] = "转办日期不能晚于今天。"
    return problems


@transaction.atomic
def complaint_refer(
    *,
    actor,
    complaint: Complaint,
    referred_to: str,
    referred_on: date | None,
    referred_to_other: str = "",
    note: str = "",
) -> Complaint:
    problems = complaint_referral_problems(
        referred_to=referred_to,
        referred_to_other=referred_to_other,
        referred_on=referred_on,
        today=timezone.localdate(),
    )
    if problems:
        raise ValidationError(problems)
    complaint = _locked(complaint)
    complaint.referred_to = referred_to
    complaint.referred_to_other = (
        referred_to_other.strip() if referred_to == ReferralBody.OTHER else ""
    )
    complaint.referred_on = referred_on
    complaint.referral_note = note.strip()
    body = complaint.referred_to_label
    _transition(
        actor=actor,
        complaint=complaint,
        to=Status.REFERRED,
        public_text=f"经核查不属本局职责，已于{referred_on:%Y年%m月%d日}转{body}办理。",
        internal_text=note,
    )
    notification_queue(
        complaint=complaint,
        event="referred",
        context={"day": f"{referred_on:%Y年%m月%d日}", "body": body},
    )
    return complaint
