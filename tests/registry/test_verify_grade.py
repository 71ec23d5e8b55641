"""The worker's own grade at the door: /verify/<token>/ shows the worker's latest FINAL grade
beside the employer's; a draft or publicised grade is never shown, "暂无评级" instead."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from credit.models import EvaluationStandard, Rating
from registry.services.cards import card_issue
from registry.verification import verification_for_token
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    HealthCertificateFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def card():
    employment = EmploymentFactory(worker__name="卓玛草", enterprise__name="格桑花家政")
    HealthCertificateFactory(
        worker=employment.worker,
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2026, 12, 31),
    )
    BackgroundCheckFactory(
        worker=employment.worker, result="passed", checked_on=datetime.date(2025, 2, 1)
    )
    return card_issue(actor=None, warnings_confirmed=True, employment=employment)


def rate(subject_type, year, grade, status, **subject):
    standard = EvaluationStandard.objects.get(year=2025, subject_type=subject_type, status="active")
    return Rating.objects.create(
        year=year, standard=standard, compliance=Decimal("28"), quality=Decimal("22"),
        reputation=Decimal("22"), commitment=Decimal("18"), total=Decimal("90"), grade=grade,
        status=status, computed_at=NOW, **subject,
    )  # fmt: skip


def facts(client, card) -> dict[str, str]:
    html = client.get(reverse("verify", kwargs={"token": card.token})).content.decode()
    return {
        dt: re.sub(r"<[^>]+>", "", dd)
        for dt, dd in re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", html)
    }


def test_the_workers_latest_final_grade_is_shown_beside_the_employers(client, card):
    rate("worker", 2023, "A", "final", worker=card.worker)
    rate("worker", 2024, "AAA", "final", worker=card.worker)
    rate("enterprise", 2024, "AA", "final", enterprise=card.employment.enterprise)
    shown = facts(client, card)
    assert shown["本人信用等级"] == "AAA 诚信示范（2024年度）"
    assert shown["企业信用等级"] == "AA 诚信良好（2024年度）"
    assert verification_for_token(card.token).worker_grade == "AAA 诚信示范（2024年度）"


@pytest.mark.parametrize("status", ["draft", "publicised"])
def test_a_grade_not_final_yet_is_never_shown(client, card, status):
    rate("worker", 2025, "C", status, worker=card.worker)
    assert facts(client, card)["本人信用等级"] == "暂无评级"


def test_a_newer_grade_not_final_yet_leaves_the_last_final_one(client, card):
    rate("worker", 2024, "A", "final", worker=card.worker)
    rate("worker", 2025, "C", "publicised", worker=card.worker)
    assert facts(client, card)["本人信用等级"] == "A 诚信合格（2024年度）"


def test_without_any_rating_the_page_says_no_grade(client, card):
    shown = facts(client, card)
    assert shown["本人信用等级"] == "暂无评级"
    assert shown["企业信用等级"] == "暂无评价结果"


def test_another_workers_grade_is_not_shown(client, card):
    other = EmploymentFactory(enterprise=card.employment.enterprise).worker
    rate("worker", 2024, "AAA", "final", worker=other)
    assert facts(client, card)["本人信用等级"] == "暂无评级"
