"""The public disclosure lists: administrative penalties (行政处罚公示, as 双公示 publishes
them) and the key-management list (重点管理名单), each within its disclosure period.

A penalty is shown from its decision date to its 公示截止日期 inclusive, while its record
is active (`CreditEvent.objects.disclosed_on`); a repaired or revoked record leaves the page
at once. A key-list entry is shown while it is in force (`KeyListEntry.objects.on`): from
its 列入日期 until the day before its 移出日期, and not after an early removal.

What the public sees: an enterprise's full name and 统一社会信用代码; a worker's masked
name (`mask_person_name`) and current employer, never an ID number or a mobile. A search
matches the enterprise's name or code — for a worker, their employer's — and never a
worker's own name, so a list cannot be used to test whether a named person is on it.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from core.personal_data import mask_person_name
from registry.models import Employment

from .models import CreditEvent, EventKind, KeyListEntry
from .selectors_honour import current_employers
from .selectors_lookup import enterprise_search


@dataclass(frozen=True)
class DisclosedSubject:
    """Who an entry is about, as a public list may name them."""

    name: str  # the enterprise's name, or the worker's masked name
    is_worker: bool
    uscc: str = ""  # enterprises only
    employer: str = ""  # workers only: their current employer


@dataclass(frozen=True)
class DisclosedPenalty:
    subject: DisclosedSubject
    title: str  # 处罚事由
    decided_on: date
    legal_basis: str
    authority: str
    severity: str
    disclosure_until: date | None


@dataclass(frozen=True)
class DisclosedKeyListEntry:
    subject: DisclosedSubject
    reason: str
    basis: str
    starts_on: date
    ends_on: date  # 移出日期: the first day off the list


def _search(records: QuerySet, query: str) -> QuerySet:
    """Records about an enterprise whose name contains `query` or whose code is `query`,
    or about a worker currently employed by one."""
    if not (query or "").strip():
        return records
    enterprises = enterprise_search(query).values("pk")
    employed = Employment.objects.current().filter(enterprise__in=enterprises).values("worker_id")
    return records.filter(Q(enterprise__in=enterprises) | Q(worker__in=employed))


def penalties_disclosed(day: date, query: str = "") -> QuerySet[CreditEvent]:
    """Administrative penalties on public disclosure on `day`, latest decision first."""
    penalties = CreditEvent.objects.disclosed_on(day).filter(kind=EventKind.PENALTY)
    return (
        _search(penalties, query)
        .select_related("enterprise", "worker")
        .order_by("-occurred_on", "-id")
    )


def key_list_disclosed(day: date, query: str = "") -> QuerySet[KeyListEntry]:
    """Key-management list entries in force on `day`, latest listed first."""
    entries = KeyListEntry.objects.on(day)
    return (
        _search(entries, query).select_related("enterprise", "worker").order_by("-starts_on", "-id")
    )


def _subjects(records) -> list[DisclosedSubject]:
    employers = current_employers([r.worker_id for r in records if r.worker_id])
    subjects = []
    for record in records:
        if record.enterprise_id:
            enterprise = record.enterprise
            subjects.append(DisclosedSubject(enterprise.name, False, uscc=enterprise.uscc))
        else:
            subjects.append(
                DisclosedSubject(
                    mask_person_name(record.worker.name),
                    True,
                    employer=employers.get(record.worker_id, ""),
                )
            )
    return subjects


def penalty_rows(events) -> list[DisclosedPenalty]:
    """One page of `penalties_disclosed` as the public list shows it (one more query)."""
    events = list(events)
    return [
        DisclosedPenalty(
            subject=subject,
            title=event.title,
            decided_on=event.occurred_on,
            legal_basis=event.legal_basis,
            authority=event.authority,
            severity=event.get_severity_display(),
            disclosure_until=event.disclosure_until,
        )
        for event, subject in zip(events, _subjects(events), strict=True)
    ]


def key_list_rows(entries) -> list[DisclosedKeyListEntry]:
    """One page of `key_list_disclosed` as the public list shows it (one more query)."""
    entries = list(entries)
    return [
        DisclosedKeyListEntry(
            subject=subject,
            reason=entry.reason,
            basis=entry.basis,
            starts_on=entry.starts_on,
            ends_on=entry.ends_on,
        )
        for entry, subject in zip(entries, _subjects(entries), strict=True)
    ]
