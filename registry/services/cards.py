"""Home-service cards (居家上门服务证): issue, reissue and revoke.

A card belongs to one employment. Its token (in the QR code) is random and never reused; a
card stops working when it is revoked, which happens when the card is reissued, when the
employment ends (`employment_end` calls `cards_revoke_for_employment` in its transaction)
or when the enterprise or staff revoke it. Every write is attributed to its actor in the
card's history.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audited, audited_save, history_user

from ..models import Employment, Enterprise, WorkerCard
from ..verification import card_issue_warnings

NUMBER_PREFIX = "ZQ"
NUMBER_ATTEMPTS = 5
REASON_REISSUED = "已补发新证"
REASON_EMPLOYMENT_ENDED = "持证人已离职"


def _next_number(year: int) -> str:
    """ZQ2025-000123: the year of issue and a running number within it."""
    prefix = f"{NUMBER_PREFIX}{year}-"
    last = (
        WorkerCard.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def card_issue_problem(employment: Employment) -> str | None:
    """Why `employment` cannot get a new card now, or None (forms show it before saving)."""
    if not employment.is_current:
        return "该从业人员已离职，不能发放服务证。"
    if employment.enterprise.business_status != Enterprise.BusinessStatus.OPERATING:
        return "企业不在营业状态，不能发放服务证。"
    if employment.cards.unrevoked().exists():
        return "该从业人员在本企业已有有效的服务证，请先作废再补发。"
    return None


def _issue(*, actor, employment: Employment) -> WorkerCard:
    problem = card_issue_problem(employment)
    if problem:
        raise ValidationError(problem)
    year = timezone.localdate().year
    for attempt in range(NUMBER_ATTEMPTS):
        card = WorkerCard(
            worker_id=employment.worker_id,
            employment=employment,
            number=_next_number(year),
            token=secrets.token_urlsafe(24),
            issued_by=history_user(actor),
        )
        audited(card, actor=actor)
        try:
            # Two cards issued at the same moment may draw the same number: the unique
            # constraint decides and the loser draws the next one.
            with transaction.atomic():
                card.save()
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
            continue
        return card
    raise AssertionError("unreachable")


def _lock_employment(employment: Employment) -> Employment:
    # Serialises every card write of one employment (issue, reissue, revoke), so two clicks
    # cannot leave two valid cards or revoke a card twice.
    return (
        Employment.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=employment.pk)
    )


def _revoke(*, actor, card: WorkerCard, reason: str) -> WorkerCard:
    card.revoked_at = timezone.now()
    card.revoked_reason = reason[:200]
    audited_save(card, actor=actor, update_fields=["revoked_at", "revoked_reason"])
    return card


class CardWarnings(ValidationError):
    """The card would scan red or without a photo; issue it only once this was shown."""


@transaction.atomic
def card_issue(*, actor, employment: Employment, warnings_confirmed: bool = False) -> WorkerCard:
    """A new card for a current employment that has no valid card. A card whose QR code would
    show the resident a problem (`card_issue_warnings`) is issued only when the person
    issuing it has seen the warnings and confirmed."""
    employment = _lock_employment(employment)
    warnings = card_issue_warnings(employment)
    if warnings and not warnings_confirmed:
        raise CardWarnings(warnings, code="card_warnings")
    return _issue(actor=actor, employment=employment)


@transaction.atomic
def card_revoke(*, actor, card: WorkerCard, reason: str) -> WorkerCard:
    """Revoke a valid card; its QR code then shows a warning instead of the worker."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写作废原因。"})
    _lock_employment(card.employment)
    card = WorkerCard.objects.get(pk=card.pk)
    if card.revoked_at is not None:
        raise ValidationError("该服务证已作废。")
    return _revoke(actor=actor, card=card, reason=reason)


@transaction.atomic
def card_reissue(*, actor, card: WorkerCard, reason: str = "") -> WorkerCard:
    """Replace a card (lost, damaged, new photo): the old token stops working at once and a
    new card with a new number and token is issued for the same employment."""
    employment = _lock_employment(card.employment)
    card = WorkerCard.objects.get(pk=card.pk)
    if card.revoked_at is None:
        detail = (reason or "").strip()
        _revoke(
            actor=actor,
            card=card,
            reason=f"{REASON_REISSUED}（{detail}）" if detail else REASON_REISSUED,
        )
    elif employment.cards.unrevoked().exists():
        raise ValidationError("该服务证已作废，并已补发新证。")
    return _issue(actor=actor, employment=employment)


def cards_revoke_for_employment(*, actor, employment: Employment, reason: str) -> int:
    """Revoke every valid card of `employment`; called inside the transaction that ends it."""
    revoked = 0
    for card in employment.cards.select_for_update().unrevoked():
        _revoke(actor=actor, card=card, reason=reason)
        revoked += 1
    return revoked
