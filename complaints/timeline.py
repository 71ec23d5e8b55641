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

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .limits import ACCEPTANCE_DAYS
from .models import CaseType, Channel, ComplaintUpdate


class Audience(StrEnum):
    RESIDENT = "resident"
    ENTERPRISE = "enterprise"
    STAFF = "staff"


def _day(value: str | None) -> str:
    return date_format(date.fromisoformat(value), "DATE_FORMAT") if value else ""


def _case_word(params: dict) -> str:
    return CaseType(params.get("case_type") or CaseType.COMPLAINT).label


def _received(audience: Audience, params: dict) -> str:
    """How the case arrived: web, or entered by an officer with its channel (the officer is
    named to staff only)."""
    word = _case_word(params)
    channel = params.get("channel") or Channel.WEB
    how = "" if channel == Channel.WEB else f"（{Channel(channel).label}）"
    if audience == Audience.STAFF and params.get("entered_by"):
        how = gettext("（%(label)s，%(entered_by)s登记）") % {
            "label": Channel(channel).label,
            "entered_by": params["entered_by"],
        }
    if audience == Audience.RESIDENT:
        return gettext("已收到您的%(word)s%(how)s，将在%(days)s个工作日内决定是否受理。") % {
            "word": word,
            "how": how,
            "days": ACCEPTANCE_DAYS,
        }
    if audience == Audience.ENTERPRISE:
        who = gettext("举报人") if params.get("case_type") == CaseType.REPORT else gettext("投诉人")
        return gettext(
            "%(who)s提交了%(word)s%(how)s，工作人员将在%(days)s个工作日内决定是否受理。"
        ) % {"who": who, "word": word, "how": how, "days": ACCEPTANCE_DAYS}
    return gettext("收到%(word)s%(how)s，%(days)s个工作日内决定是否受理。") % {
        "word": word,
        "how": how,
        "days": ACCEPTANCE_DAYS,
    }


def _accepted(audience: Audience, params: dict) -> str:
    if params.get("case_type") == CaseType.REPORT:
        text = gettext("举报已受理，将调查核实，调查核实期限至%(due)s。") % {
            "due": _day(params.get("due"))
        }
        if audience == Audience.ENTERPRISE and params.get("response_due"):
            text += gettext("请于%(response_due)s前在本平台说明情况。") % {
                "response_due": _day(params["response_due"])
            }
        return text
    text = gettext("投诉已受理，将组织调解，调解期限至%(due)s。") % {"due": _day(params.get("due"))}
    if audience == Audience.ENTERPRISE and params.get("response_due"):
        text += gettext("请于%(response_due)s前在本平台答复。") % {
            "response_due": _day(params["response_due"])
        }
    return text


# event -> audience -> wording (a str, or a function of the audience and the params)
WORDING = {
    "received": _received,
    "accepted": _accepted,
    "investigation_started": {
        Audience.RESIDENT: _("已开始调查核实您举报的情况。"),
        Audience.ENTERPRISE: _("工作人员已开始调查核实举报的情况，可能联系贵企业了解情况。"),
        Audience.STAFF: _("开始调查核实。"),
    },
    "mediation_started": {
        Audience.RESIDENT: _("已开始调解，工作人员将联系您和被投诉企业。"),
        Audience.ENTERPRISE: _("已开始调解，工作人员将联系投诉人和贵企业。"),
        Audience.STAFF: _("开始调解，联系投诉人和被投诉企业。"),
    },
    "answered": {
        Audience.RESIDENT: _("被投诉企业已答复，答复内容见本页“企业的答复”。"),
        Audience.ENTERPRISE: _("贵企业已提交答复，投诉人和工作人员可以看到。"),
        Audience.STAFF: _("被投诉企业已答复。"),
    },
    "answer_amended": {
        Audience.RESIDENT: _("被投诉企业修改或补充了答复，答复内容见本页“企业的答复”。"),
        Audience.ENTERPRISE: _("贵企业修改或补充了答复。"),
        Audience.STAFF: _("被投诉企业修改或补充了答复。"),
    },
}


def update_fields(event: str, **params) -> dict:
    """The fields of a new ComplaintUpdate for `event`: the code, its parameters (dates as
    ISO strings) and the staff wording as the stored text (exports and history read it)."""
    params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}
    # Stored for staff: in the source language, whatever the page the resident used.
    with translation.override(settings.LANGUAGE_CODE):
        text = wording(event, params, Audience.STAFF)
    return {"event": event, "params": params, "text": text}


def wording(event: str, params: dict, audience: Audience) -> str:
    rule = WORDING[event]
    if callable(rule):
        return rule(audience, params or {})
    return str(rule[audience])


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
