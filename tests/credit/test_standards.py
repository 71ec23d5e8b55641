"""The evaluation standard's lock is the service's rule, whoever calls it."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from credit.models import EvaluationStandard, Indicator, VetoRule
from credit.services.standards import (
    StandardLockedError,
    standard_can_change,
    standard_part_delete,
    standard_part_save,
    standard_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return get_user_model().objects.create_user("biaozhun", is_staff=True)


def _locked_standard() -> EvaluationStandard:
    standard = EvaluationStandard.objects.get(year=2025, subject_type="enterprise")
    standard.locked_at = datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC)
    standard.save()
    return standard


def test_the_indicators_of_a_used_standard_are_locked(actor):
    standard = _locked_standard()
    assert not standard_can_change(standard)
    indicator = standard.indicators.first()
    weight = indicator.weight
    indicator.weight = weight + 1
    with pytest.raises(StandardLockedError):
        standard_part_save(actor=actor, part=indicator)
    with pytest.raises(StandardLockedError):
        standard_part_delete(actor=actor, part=indicator)
    veto = standard.vetoes.first()
    if veto is not None:
        with pytest.raises(StandardLockedError):
            standard_part_delete(actor=actor, part=veto)
    assert Indicator.objects.get(pk=indicator.pk).weight == weight
    assert VetoRule.objects.filter(standard=standard).count() == standard.vetoes.count()


def test_the_standard_itself_is_locked_too(actor):
    standard = _locked_standard()
    standard.aaa_min += 1
    with pytest.raises(StandardLockedError):
        standard_save(actor=actor, standard=standard)


def test_a_draft_standard_changes_through_the_service_with_its_history(actor):
    standard = EvaluationStandard.objects.get(year=2025, subject_type="enterprise")
    assert standard_can_change(standard)
    indicator = standard.indicators.first()
    indicator.description = "细化说明"
    standard_part_save(actor=actor, part=indicator)
    assert indicator.history.first().history_user == actor
    standard_part_delete(actor=actor, part=indicator)
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
