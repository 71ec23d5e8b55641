"""守信激励: the catalogue of measures, residents and special groups, the dishonesty list,
enterprises' participation, redemptions, and support and training applications.

Who qualifies for what is decided in one place, `incentives.services.eligibility`; the
models hold data and the constraints the database can keep."""

from .bookings import BookingKind, BookingNotice, BookingOffer, BookingRequest, DayPart
from .catalogue import IncentiveMeasure, IncentiveMeasureQuerySet, Participation
from .dishonesty import DishonestyEntry, DishonestyListImport
from .redemptions import Redemption, RedemptionItem, RedemptionQuerySet
from .residents import (
    PERCENT,
    Audience,
    BenefitKind,
    GroupMembership,
    LimitPeriod,
    Resident,
    SpecialGroup,
)
from .support import ProgrammeKind, SupportApplication, SupportProgramme

__all__ = [
    "BookingKind",
    "BookingNotice",
    "BookingOffer",
    "BookingRequest",
    "DayPart",
    "Audience",
    "BenefitKind",
    "DishonestyEntry",
    "DishonestyListImport",
    "GroupMembership",
    "IncentiveMeasure",
    "IncentiveMeasureQuerySet",
    "LimitPeriod",
    "PERCENT",
    "Participation",
    "ProgrammeKind",
    "Redemption",
    "RedemptionItem",
    "RedemptionQuerySet",
    "Resident",
    "SpecialGroup",
    "SupportApplication",
    "SupportProgramme",
]
