"""The credit file (信用档案) and the yearly rating.

A subject is an enterprise or a worker; records that concern either carry two nullable
foreign keys and a check constraint that exactly one is set, so the database keeps
referential integrity and the rating engine can aggregate each kind with plain joins."""

from .events import NEUTRAL_KINDS, POSITIVE_KINDS, CreditEvent, CreditEventQuerySet, EventKind
from .management import KEY_LIST_ON_SQL, KeyListEntry, KeyListEntryQuerySet, SupervisionTask
from .pledges import PledgeBreach, PledgeSignature, PledgeText, PledgeTextQuerySet
from .publicity import PublicityOpinion
from .ratings import Rating, RatingChunk, RatingRun
from .rectification import RectificationNotice, RectificationNoticeQuerySet
from .reports import REPORT_NUMBER_PREFIX, REPORT_NUMBER_RANDOM_LENGTH, CreditReport
from .requests import Objection, RepairRequest
from .standards import EvaluationStandard, Indicator, VetoRule
from .subjects import (
    GRADE_ORDER,
    GRADES,
    Dimension,
    Grade,
    Severity,
    SubjectMixin,
    SubjectType,
    exactly_one_subject,
)

__all__ = [
    "CreditEvent",
    "CreditReport",
    "CreditEventQuerySet",
    "Dimension",
    "EvaluationStandard",
    "EventKind",
    "GRADES",
    "GRADE_ORDER",
    "Grade",
    "Indicator",
    "KEY_LIST_ON_SQL",
    "KeyListEntry",
    "KeyListEntryQuerySet",
    "NEUTRAL_KINDS",
    "Objection",
    "PledgeBreach",
    "PledgeSignature",
    "PledgeText",
    "PledgeTextQuerySet",
    "POSITIVE_KINDS",
    "PublicityOpinion",
    "Rating",
    "RatingChunk",
    "RatingRun",
    "REPORT_NUMBER_PREFIX",
    "REPORT_NUMBER_RANDOM_LENGTH",
    "RectificationNotice",
    "RectificationNoticeQuerySet",
    "RepairRequest",
    "Severity",
    "SubjectMixin",
    "SubjectType",
    "SupervisionTask",
    "VetoRule",
    "exactly_one_subject",
]
