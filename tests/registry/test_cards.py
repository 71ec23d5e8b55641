"""Home-service cards: issue, reissue, revoke, and the card ending with the employment."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.models import Enterprise, WorkerCard
from registry.services import employment_end, employment_save
from registry.services.cards import card_issue, card_reissue, card_revoke
from registry.verification import REVOKED, VALID, verification_for_token
from tests.factories.registry import EmploymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username="xinyong", is_staff=True)


@pytest.fixture
def employment():
    return EmploymentFactory(position="家政服务员")


def test_issue_gives_a_readable_number_and_a_random_token(staff, employment):
    card = card_issue(actor=staff, warnings_confirmed=True, employment=employment)
    other = card_issue(actor=staff, warnings_confirmed=True, employment=EmploymentFactory())
    year = timezone.localdate().year
    assert card.number == f"ZQ{year}-000001" and other.number == f"ZQ{year}-000002"
    assert card.worker == employment.worker and card.issued_by == staff and card.is_valid
    assert len(card.token) == 32 and card.token != other.token
    assert verification_for_token(card.token).state == VALID
    history = card.history.get()
    assert history.history_user == staff and history.history_type == "+"


def test_one_valid_card_per_employment(staff, employment):
    card_issue(actor=staff, warnings_confirmed=True, employment=employment)
    with pytest.raises(ValidationError, match="已有有效的服务证"):
        card_issue(actor=staff, warnings_confirmed=True, employment=employment)
    # The database holds the rule even if a service is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkerCard.objects.create(
            worker=employment.worker, employment=employment, number="ZQ-X", token="x" * 32
        )
    assert employment.cards.count() == 1


def test_reissue_revokes_the_old_token(staff, employment):
    old = card_issue(actor=staff, warnings_confirmed=True, employment=employment)
    new = card_reissue(actor=staff, card=old, reason="证件遗失")
    old.refresh_from_db()
    assert not old.is_valid and old.revoked_reason == "已补发新证（证件遗失）"
    assert new.is_valid and new.number != old.number and new.token != old.token
    assert verification_for_token(old.token).state == REVOKED
    assert verification_for_token(new.token).state == VALID
    assert old.history.first().history_user == staff
    # Reissuing the old card again does not make a third valid card.
    with pytest.raises(ValidationError, match="已补发新证"):
        card_reissue(actor=staff, card=old)


def test_revoke_needs_a_reason_and_happens_once(staff, employment):
    card = card_issue(actor=staff, warnings_confirmed=True, employment=employment)
    with pytest.raises(ValidationError):
        card_revoke(actor=staff, card=card, reason=" ")
    card_revoke(actor=staff, card=card, reason="信息有误")
    card.refresh_from_db()
    assert card.revoked_at is not None and card.revoked_reason == "信息有误"
    with pytest.raises(ValidationError, match="已作废"):
        card_revoke(actor=staff, card=card, reason="再次作废")
    assert verification_for_token(card.token).state == REVOKED
    # A revoked card can be followed by a new one.
    assert card_issue(actor=staff, warnings_confirmed=True, employment=employment).is_valid


def test_ending_the_employment_revokes_its_card(staff, employment):
    card = card_issue(actor=staff, warnings_confirmed=True, employment=employment)
    employment_end(actor=staff, employment=employment, ended_on=datetime.date(2025, 9, 1))
    card.refresh_from_db()
    assert card.revoked_reason == "持证人已离职" and card.revoked_at is not None
    assert card.history.first().history_user == staff
    assert verification_for_token(card.token).state == REVOKED
    with pytest.raises(ValidationError, match="已离职"):
        card_issue(actor=staff, warnings_confirmed=True, employment=employment)


def test_an_end_date_saved_in_the_admin_revokes_the_card_too(staff, employment):
    card = card_issue(actor=staff, warnings_confirmed=True, employment=employment)
    employment.ended_on = datetime.date(2025, 9, 1)
    employment_save(actor=staff, employment=employment)
    card.refresh_from_db()
    assert not card.is_valid


def test_a_card_whose_employment_ended_elsewhere_no_longer_verifies(staff, employment):
    card = card_issue(actor=staff, warnings_confirmed=True, employment=employment)
    # A bulk write that bypasses the services (e.g. a ledger import) still ends the card.
    type(employment).objects.filter(pk=employment.pk).update(ended_on=datetime.date(2025, 9, 1))
    verification = verification_for_token(card.token)
    assert verification.state == REVOKED and verification.revoked_on == datetime.date(2025, 9, 1)


def test_no_card_for_an_employer_that_no_longer_operates(staff, employment):
    Enterprise.objects.filter(pk=employment.enterprise_id).update(
        business_status=Enterprise.BusinessStatus.DEREGISTERED
    )
    with pytest.raises(ValidationError, match="不在营业状态"):
        card_issue(actor=staff, warnings_confirmed=True, employment=employment)


# --- The back office ----------------------------------------------------------------------------

CARDS_ADMIN = "/admin/registry/workercard/"


def test_staff_issue_a_card_in_the_admin(staff_client, employment):
    response = staff_client.post(
        CARDS_ADMIN + "add/", {"worker": employment.worker_id, "warnings_confirmed": "on"}
    )
    assert response.status_code == 302
    card = WorkerCard.objects.get()
    assert card.employment == employment and card.issued_by == staff_client.user
    # A second card for the same employment is refused on the form, not with an error page.
    again = staff_client.post(
        CARDS_ADMIN + "add/", {"worker": employment.worker_id, "warnings_confirmed": "on"}
    )
    assert again.status_code == 200 and "已有有效的服务证" in again.content.decode()


def test_a_worker_with_two_employers_needs_the_employer_chosen(staff_client, employment):
    second = EmploymentFactory(worker=employment.worker)
    response = staff_client.post(
        CARDS_ADMIN + "add/", {"worker": employment.worker_id, "warnings_confirmed": "on"}
    )
    assert "请选择发证企业" in response.content.decode() and not WorkerCard.objects.exists()
    staff_client.post(
        CARDS_ADMIN + "add/",
        {"worker": employment.worker_id, "employment": second.pk, "warnings_confirmed": "on"},
    )
    assert WorkerCard.objects.get().employment == second


def test_staff_revoke_and_reissue_selected_cards(staff_client, employment):
    card = card_issue(actor=None, warnings_confirmed=True, employment=employment)
    other = card_issue(actor=None, warnings_confirmed=True, employment=EmploymentFactory())
    action = {"action": "reissue_cards", "_selected_action": [card.pk], "reason": "损坏"}
    staff_client.post(CARDS_ADMIN, action)
    card.refresh_from_db()
    assert card.revoked_reason == "已补发新证（损坏）"
    new = WorkerCard.objects.get(employment=employment, revoked_at__isnull=True)
    # Revoking needs a reason.
    staff_client.post(CARDS_ADMIN, {"action": "revoke_cards", "_selected_action": [other.pk]})
    other.refresh_from_db()
    assert other.is_valid
    staff_client.post(
        CARDS_ADMIN,
        {"action": "revoke_cards", "_selected_action": [new.pk, other.pk], "reason": "冒用"},
    )
    assert not WorkerCard.objects.filter(revoked_at__isnull=True).exists()
    assert new.history.first().history_user == staff_client.user
    page = staff_client.get(CARDS_ADMIN + "?status=revoked").content.decode()
    assert new.number in page and "已作废" in page
    assert staff_client.post(CARDS_ADMIN + f"{new.pk}/delete/").status_code == 403
