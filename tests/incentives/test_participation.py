import re

import pytest
from django.core.exceptions import ValidationError

from incentives.models import Participation
from incentives.selectors import catalogue
from incentives.services import (
    participation_opt_in,
    participation_problems,
    participation_withdraw,
)
from tests.factories.incentives import default_catalogue, grade, key_list
from tests.factories.registry import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures():
    return default_catalogue()[0]


@pytest.mark.parametrize(
    ("grade_value", "listed", "allowed", "message"),
    [
        ("AAA", False, True, ""),
        ("AA", False, True, ""),
        ("A", False, False, "未达到AA级及以上的要求"),
        ("B", False, False, "B级（诚信警示）主体不能参加守信激励"),
        (None, False, False, "暂无正式确定的信用评价结果"),
        ("AAA", True, False, "重点管理名单"),
    ],
)
def test_only_enterprises_at_or_above_the_minimum_grade_may_opt_in(
    measures, grade_value, listed, allowed, message
):
    enterprise = EnterpriseFactory()
    grade(enterprise, grade_value)
    if listed:
        key_list(enterprise)
    measure = measures["resident-discount"]  # AA and above
    if allowed:
        participation = participation_opt_in(actor=None, enterprise=enterprise, measure=measure)
        assert participation.status == "active"
    else:
        with pytest.raises(ValidationError, match=message):
            participation_opt_in(actor=None, enterprise=enterprise, measure=measure)
        assert not Participation.objects.exists()


def test_a_b_graded_enterprise_cannot_opt_in_even_to_an_a_measure(measures):
    enterprise = EnterpriseFactory()
    grade(enterprise, "B")
    with pytest.raises(ValidationError, match="B级"):
        participation_opt_in(
            actor=None, enterprise=enterprise, measure=measures["resident-priority-booking"]
        )


def test_enterprise_measures_are_not_opted_into(measures):
    enterprise = EnterpriseFactory()
    grade(enterprise, "AAA")
    with pytest.raises(ValidationError, match="无需参与"):
        participation_opt_in(
            actor=None, enterprise=enterprise, measure=measures["enterprise-free-publicity"]
        )


def test_opt_in_twice_withdraw_and_rejoin(measures, django_user_model):
    staff = django_user_model.objects.create_user("xinyong", is_staff=True)
    enterprise = EnterpriseFactory()
    grade(enterprise, "AA")
    measure = measures["resident-discount"]
    first = participation_opt_in(actor=staff, enterprise=enterprise, measure=measure)
    again = participation_opt_in(actor=staff, enterprise=enterprise, measure=measure)
    assert first.pk == again.pk
    participation_withdraw(actor=staff, participation=first, note="企业申请退出")
    first.refresh_from_db()
    assert first.status == "withdrawn" and first.withdrawn_at
    participation_opt_in(actor=staff, enterprise=enterprise, measure=measure)
    first.refresh_from_db()
    assert first.status == "active" and first.withdrawn_at is None
    assert first.history.count() == 3
    assert first.history.first().history_user == staff


def test_the_catalogue_lists_only_participants_that_still_qualify(measures):
    good = EnterpriseFactory(name="甲家政")
    grade(good, "AAA")
    fallen = EnterpriseFactory(name="乙家政")
    grade(fallen, "AA")
    for enterprise in (good, fallen):
        participation_opt_in(
            actor=None, enterprise=enterprise, measure=measures["resident-discount"]
        )
    key_list(fallen)
    page = catalogue()
    discount = next(item for item in page.resident if item.measure.code == "resident-discount")
    assert [p.enterprise.name for p in discount.participants] == ["甲家政"]
    assert [p.enterprise.name for p in page.enterprises] == ["甲家政"]
    assert [item.measure.code for item in page.enterprise] == [
        "enterprise-support-priority",
        "enterprise-free-publicity",
        "enterprise-training-priority",
    ]


def test_pages_ask_the_service_what_to_offer(measures):
    """The portal's button and the admin's add form use the check the service applies."""
    enterprise = EnterpriseFactory()
    grade(enterprise, "A")
    measure = measures["resident-discount"]
    problems = participation_problems(enterprise=enterprise, measure=measure)
    assert len(problems) == 1 and "未达到AA级及以上的要求" in problems[0]
    with pytest.raises(ValidationError, match=re.escape(problems[0])):
        participation_opt_in(actor=None, enterprise=enterprise, measure=measure)
    other = EnterpriseFactory()
    grade(other, "AAA")
    assert participation_problems(enterprise=other, measure=measure) == []
