"""The words of a case's public timeline for each audience.

A timeline line records what happened once; who reads it decides how it is said. The
resident reads it on /complaints/track/ ("已收到您的投诉"), the enterprise in the portal (it
is not the complainant, so it is never addressed as one), staff in the admin. Lines the
product writes carry an `event` (and its `params`); a line staff type by hand, or one whose
wording is the same for everybody, has no event and its `text` is shown to all.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .limits import ACCEPTANCE_DAYS
from .models import ComplaintUpdate


class Audience(StrEnum):
    RESIDENT = "resident"
    ENTERPRISE = "enterprise"
    STAFF = "staff"


def _day(value: str | None) -> str:
    return f"{date.fromisoformat(value):%Y年%m月%d日}" if value else ""


def _accepted(audience: Audience, params: dict) -> str:
    text = f"投诉已受理，将组织调解，调解期限至{_day(params.get('due'))}。"
    if audience == Audience.ENTERPRISE and params.get("response_due"):
        text += f"请于{_day(params['response_due'])}前在本平台答复。"
    return text


# event -> audience -> wording (a str, or a function of the audience and the params)
WORDING = {
    "received": {
        Audience.RESIDENT: f"已收到您的投诉，将在{ACCEPTANCE_DAYS}个工作日内决定是否受理。",
        Audience.ENTERPRISE: (
            f"投诉人提交了投诉，工作人员将在{ACCEPTANCE_DAYS}个工作日内决定是否受理。"
        ),
        Audience.STAFF: f"收到投诉，{ACCEPTANCE_DAYS}个工作日内决定是否受理。",
    },
    "accepted": _accepted,
    "mediation_started": {
        Audience.RESIDENT: "已开始调解，工作人员将联系您和被投诉企业。",
        Audience.ENTERPRISE: "已开始调解，工作人员将联系投诉人和贵企业。",
        Audience.STAFF: "开始调解，联系投诉人和被投诉企业。",
    },
    "answered": {
        Audience.RESIDENT: "被投诉企业已答复，答复内容见本页“企业的答复”。",
        Audience.ENTERPRISE: "贵企业已提交答复，投诉人和工作人员可以看到。",
        Audience.STAFF: "被投诉企业已答复。",
    },
    "answer_amended": {
        Audience.RESIDENT: "被投诉企业修改或补充了答复，答复内容见本页“企业的答复”。",
        Audience.ENTERPRISE: "贵企业修改或补充了答复。",
        Audience.STAFF: "被投诉企业修改或补充了答复。",
    },
}


def update_fields(event: str, **params) -> dict:
    """The fields of a new ComplaintUpdate for `event`: the code, its parameters (dates as
    ISO strings) and the staff wording as the stored text (exports and history read it)."""
    params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}
    return {"event": event, "params": params, "text": wording(event, params, Audience.STAFF)}


def wording(event: str, params: dict, audience: Audience) -> str:
    rule = WORDING[event]
    if callable(rule):
        return rule(audience, params or {})
    return rule[audience]


def line_text(update: ComplaintUpdate, audience: Audience) -> str:
    if update.event in WORDING:
        return wording(update.event, update.params, audience)
    return update.text


@dataclass(frozen=True)
class TimelineLine:
    created_at: datetime
    text: str


def timeline_for(updates, audience: Audience) -> list[TimelineLine]:
    return [TimelineLine(u.created_at, line_text(u, audience)) for u in updates]
