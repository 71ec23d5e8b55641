import datetime
import itertools
from decimal import Decimal

import pytest

from incentives.models import IncentiveMeasure, Resident
from incentives.services import eligibility
from incentives.services.eligibility import period_bounds
from tests.factories.incentives import (
    MembershipFactory,
    ResidentFactory,
    default_catalogue,
    grade,
    join,
    key_list,
)
from tests.factories.registry import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    WorkerFactory,
    make_id_number,
)

from .conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

RESIDENT_CODES = (
    "resident-discount",
    "special-group-extra",
    "resident-priority-booking",
    "resident-free-consultation",
)
EXTRA = {"elderly-80": 10, "disabled": 10, "dibao": 15, "tekun": 20, "youfu": 10}
GROUP_SETS = ((), ("disabled",), ("tekun",), ("disabled", "tekun"), ("pending:dibao",), ("age",))


@pytest.fixture
def catalogue():
    return default_catalogue()


def resident_with(groups, credit: str, catalogue_groups) -> Resident:
    birth = datetime.date(1940, 5, 1) if "age" in groups else datetime.date(1975, 5, 1)
    resident = ResidentFactory(
        id_number=make_id_number(birth),
        credit_status=credit,
        credit_note="列入舟曲县人民法院失信被执行人名单" if credit == "dishonest" else "",
    )
    for name in groups:
        if name == "age":
            continue
        pending = name.startswith("pending:")
        group = catalogue_groups[name.removeprefix("pending:")]
        MembershipFactory(resident=resident, group=group, verified_at=None if pending else NOW)
    return resident


def expected(grade_value, listed, credit, groups):
    enterprise_aa = grade_value in ("AAA", "AA") and not listed
    enterprise_a = grade_value in ("AAA", "AA", "A") and not listed
    good = credit == "good"
    valid = {g for g in groups if not g.startswith("pending:")}
    valid = {"elderly-80" if g == "age" else g for g in valid}
    extra = max((EXTRA[g] for g in valid), default=None)
    codes = set()
    if good and enterprise_aa:
        codes.add("resident-discount")
        if extra:
            codes.add("special-group-extra")
    if good and enterprise_a:
        codes |= {"resident-priority-booking", "resident-free-consultation"}
    discount = min(10 + (extra or 0), 25) if good and enterprise_aa else 0
    return codes, Decimal(discount)


@pytest.mark.parametrize(
    ("grade_value", "listed", "credit", "groups"),
    list(
        itertools.product(
            ("AAA", "AA", "A", "B", None), (False, True), ("good", "dishonest"), GROUP_SETS
        )
    ),
)
def test_every_combination_of_grade_credit_and_groups(
    catalogue, grade_value, listed, credit, groups
):
    measures, catalogue_groups = catalogue
    enterprise = EnterpriseFactory()
    grade(enterprise, grade_value)
    if listed:
        key_list(enterprise)
    join(enterprise, *(measures[code] for code in RESIDENT_CODES))
    resident = resident_with(groups, credit, catalogue_groups)

    result = eligibility(subject=resident, enterprise=enterprise)

    codes, discount = expected(grade_value, listed, credit, groups)
    assert {v.measure.code for v in result.applicable} == codes
    assert result.discount_percent == discount
    assert len(result.verdicts) == len(RESIDENT_CODES)
    for verdict in result.not_applicable:
        assert verdict.failed, "every refusal names its reason"
    texts = " ".join(c.text for v in result.verdicts for c in v.checks)
    if credit == "dishonest":
        assert "不能享受守信激励" in texts
    if listed:
        assert "重点管理名单" in texts
    if grade_value == "B" and not listed:
        assert "B级（诚信警示）主体不能参加守信激励" in texts


def test_the_stacked_discount_is_capped_and_the_shares_add_up(catalogue):
    measures, groups = catalogue
    enterprise = EnterpriseFactory()
    grade(enterprise, "AAA")
    join(enterprise, measures["resident-discount"], measures["special-group-extra"])
    resident = ResidentFactory()
    MembershipFactory(resident=resident, group=groups["tekun"])

    result = eligibility(subject=resident, enterprise=enterprise)

    assert result.composition.uncapped_percent == Decimal(30)
    assert result.composition.cap_percent == Decimal(25)
    assert result.discount_percent == Decimal(25)
    counted = [v for v in result.applicable if v.counted]
    assert sum(v.counted_percent for v in counted) == Decimal(25)
    assert "叠加后超过上限25%，按25%计算。" in result.composition.lines
    extra = next(v for v in result.verdicts if v.measure.code == "special-group-extra")
    assert extra.special_group == groups["tekun"]
    assert extra.discount_percent == Decimal(20)


def test_the_lowest_cap_among_stacked_measures_wins(catalogue):
    measures, groups = catalogue
    enterprise = EnterpriseFactory()
    grade(enterprise, "AA")
    strict = IncentiveMeasure.objects.create(
        code="winter",
        title="冬季取暖季保洁优惠",
        description="冬季优惠",
        audience="resident",
        benefit_kind="discount",
        discount_percent=5,
        stack_cap_percent=18,
        min_grade="AA",
        valid_from=datetime.date(2025, 1, 1),
    )
    join(enterprise, measures["resident-discount"], strict)
    resident = ResidentFactory()

    result = eligibility(subject=resident, enterprise=enterprise)
    assert result.discount_percent == Decimal(15)  # 10 + 5, under both caps

    MembershipFactory(resident=resident, group=groups["dibao"])
    join(enterprise, measures["special-group-extra"])
    result = eligibility(subject=resident, enterprise=enterprise)
    assert result.composition.uncapped_percent == Decimal(30)
    assert result.discount_percent == Decimal(18)


@pytest.mark.parametrize(
    ("alone_percent", "expected_percent", "alone_counted"),
    [
        (Decimal(22), Decimal(22), True),
        (Decimal(20), Decimal(20), False),
        (Decimal(15), Decimal(20), False),
    ],
)
def test_a_non_stacking_discount_is_used_alone_when_it_is_larger(
    catalogue, alone_percent, expected_percent, alone_counted
):
    measures, groups = catalogue
    enterprise = EnterpriseFactory()
    grade(enterprise, "AA")
    alone = IncentiveMeasure.objects.create(
        code="opening",
        title="开业周年特惠",
        description="不与其他优惠同享",
        audience="resident",
        benefit_kind="discount",
        discount_percent=alone_percent,
        stackable=False,
        min_grade="A",
        valid_from=datetime.date(2025, 1, 1),
    )
    join(enterprise, measures["resident-discount"], measures["special-group-extra"], alone)
    resident = ResidentFactory()
    MembershipFactory(resident=resident, group=groups["disabled"])  # 10 + 10 = 20 stacked

    result = eligibility(subject=resident, enterprise=enterprise)

    assert result.discount_percent == expected_percent
    verdict = next(v for v in result.verdicts if v.measure == alone)
    assert verdict.applies
    assert verdict.counted is alone_counted
    stacked = [v for v in result.applicable if v.discount_percent and v.measure.stackable]
    if alone_counted:
        assert all(not v.counted and "不与“开业周年特惠”同享" in v.note for v in stacked)
    else:
        assert "不可与其他优惠叠加" in verdict.note
        assert all(v.counted for v in stacked)


def test_a_category_restriction_and_the_explanation(catalogue):
    measures, _ = catalogue
    cleaning = ServiceCategoryFactory(name="试点保洁")
    nursing = ServiceCategoryFactory(name="试点护理")
    measures["resident-discount"].categories.set([cleaning])
    enterprise = EnterpriseFactory()
    grade(enterprise, "AA")
    join(enterprise, measures["resident-discount"])
    resident = ResidentFactory()

    assert (
        eligibility(subject=resident, enterprise=enterprise, category=cleaning).discount_percent
        == 10
    )
    refused = eligibility(subject=resident, enterprise=enterprise, category=nursing)
    assert refused.discount_percent == 0
    verdict = next(v for v in refused.verdicts if v.measure.code == "resident-discount")
    assert verdict.failed[0].text == "只适用于试点保洁，不适用于试点护理。"


def test_an_enterprise_that_did_not_opt_in_gives_nothing(catalogue):
    measures, _ = catalogue
    enterprise = EnterpriseFactory(name="舟曲县巧手家政")
    grade(enterprise, "AAA")
    result = eligibility(subject=ResidentFactory(), enterprise=enterprise)
    assert result.applicable == []
    assert all(
        "舟曲县巧手家政没有参加此项措施。" in [c.text for c in v.failed] for v in result.verdicts
    )


def test_without_an_enterprise_the_resident_sees_what_they_personally_qualify_for(catalogue):
    _, groups = catalogue
    resident = ResidentFactory()
    MembershipFactory(resident=resident, group=groups["youfu"])
    result = eligibility(subject=resident)
    assert {v.measure.code for v in result.applicable} == set(RESIDENT_CODES)
    assert result.discount_percent == Decimal(20)
    assert [g.code for g in result.groups] == ["youfu"]


def test_memberships_count_only_verified_and_within_their_validity(catalogue):
    _, groups = catalogue
    resident = ResidentFactory()
    MembershipFactory(
        resident=resident,
        group=groups["dibao"],
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    MembershipFactory(resident=resident, group=groups["disabled"], verified_at=None)
    result = eligibility(subject=resident)
    assert result.groups == []
    assert result.pending_groups == [
        "“残疾人”认定正等待工作人员核实。",
        "“低保户”认定不在有效期内。",
    ]
    assert "special-group-extra" not in {v.measure.code for v in result.applicable}
    past = eligibility(subject=resident, day=datetime.date(2025, 3, 1))
    assert [g.code for g in past.groups] == ["dibao"]


def test_the_80_year_group_follows_the_birth_date(catalogue):
    resident = ResidentFactory(id_number=make_id_number(datetime.date(1945, 11, 21)))
    assert eligibility(subject=resident).groups == []  # 79 until tomorrow
    tomorrow = eligibility(subject=resident, day=datetime.date(2025, 11, 21))
    assert [g.code for g in tomorrow.groups] == ["elderly-80"]
    assert tomorrow.discount_percent == Decimal(20)


def test_validity_of_measures_is_explained(catalogue):
    measures, _ = catalogue
    measure = measures["resident-discount"]
    measure.valid_to = datetime.date(2025, 10, 31)
    measure.save()
    resident = ResidentFactory()
    result = eligibility(subject=resident, measures=IncentiveMeasure.objects.filter(pk=measure.pk))
    assert result.verdicts[0].failed[0].text == "该措施已于2025年10月31日结束。"
    # By default only measures in force are considered.
    assert measure not in [v.measure for v in eligibility(subject=resident).verdicts]


def test_period_bounds():
    measure = IncentiveMeasure(limit_period="week", valid_from=datetime.date(2025, 1, 1))
    assert period_bounds(measure, TODAY) == (
        datetime.date(2025, 11, 17),
        datetime.date(2025, 11, 23),
    )
    measure.limit_period = "month"
    assert period_bounds(measure, datetime.date(2025, 12, 31)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2025, 12, 31),
    )
    measure.limit_period = "year"
    assert period_bounds(measure, TODAY) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    measure.limit_period = "validity"
    assert period_bounds(measure, TODAY) == (datetime.date(2025, 1, 1), datetime.date.max)


# --- Enterprises and workers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade_value", "listed", "expected_codes"),
    [
        (
            "AAA",
            False,
            {
                "enterprise-support-priority",
                "enterprise-free-publicity",
                "enterprise-training-priority",
            },
        ),
        ("AA", False, {"enterprise-support-priority", "enterprise-training-priority"}),
        ("A", False, {"enterprise-training-priority"}),
        ("B", False, set()),
        (None, False, set()),
        ("AAA", True, set()),
    ],
)
def test_enterprise_measures_follow_the_enterprise_grade(
    catalogue, grade_value, listed, expected_codes
):
    enterprise = EnterpriseFactory()
    grade(enterprise, grade_value)
    if listed:
        key_list(enterprise)
    result = eligibility(subject=enterprise)
    assert {v.measure.code for v in result.applicable} == expected_codes
    assert len(result.verdicts) == 3
    if grade_value == "B":
        assert "B级（诚信警示）主体不能参加守信激励" in result.verdicts[0].failed[0].text


def test_the_latest_final_grade_counts(catalogue):
    enterprise = EnterpriseFactory()
    grade(enterprise, "AAA", year=2024)
    grade(enterprise, "B", year=2025)
    assert eligibility(subject=enterprise).applicable == []


def test_a_closed_enterprise_gets_nothing(catalogue):
    enterprise = EnterpriseFactory(business_status="suspended")
    grade(enterprise, "AAA")
    result = eligibility(subject=enterprise)
    assert result.applicable == []
    assert "目前不在正常经营状态" in result.verdicts[0].failed[0].text


@pytest.mark.parametrize(
    ("grade_value", "listed", "applies"),
    [("AAA", False, True), ("AA", False, False), ("AAA", True, False)],
)
def test_worker_measures_follow_the_worker_grade(catalogue, grade_value, listed, applies):
    worker = WorkerFactory()
    grade(worker, grade_value)
    if listed:
        key_list(worker)
    result = eligibility(subject=worker)
    assert [v.applies for v in result.verdicts] == [applies]
