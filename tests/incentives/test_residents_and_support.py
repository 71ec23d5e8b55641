import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import personal_data
from core.personal_data import phone_plain
from credit.models import Rating
from incentives.models import GroupMembership, Redemption, RedemptionItem, Resident
from incentives.selectors import coverage, programme_ranking
from incentives.services import (
    application_submit,
    application_transition,
    membership_save,
    membership_verify,
    resident_find,
    resident_register,
    resident_verify,
)
from tests.factories.incentives import (
    ProgrammeFactory,
    ResidentFactory,
    default_catalogue,
    grade,
    key_list,
)
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    make_id_number,
    township,
)

pytestmark = pytest.mark.django_db

NUMBER = make_id_number(datetime.date(1950, 2, 3), sequence=12)


def new_resident(**kwargs) -> Resident:
    kwargs.setdefault("name", "扎西卓玛")
    return Resident(township=township(), **kwargs)


def test_a_resident_is_stored_like_a_worker(django_user_model):
    staff = django_user_model.objects.create_user("xinyong", is_staff=True)
    resident = resident_register(
        actor=staff, resident=new_resident(), id_number=NUMBER, mobile="139 0941 2345"
    )
    assert phone_plain(resident, "mobile") == "13909412345"
    assert resident.mobile_masked == "139****2345"
    assert resident.id_number_masked == NUMBER[:6] + "********" + NUMBER[-4:]
    assert NUMBER not in resident.id_number_encrypted
    assert personal_data.decrypt(resident.id_number_encrypted) == NUMBER
    assert resident.birth_date == datetime.date(1950, 2, 3)
    assert resident.is_verified and resident.verified_by == staff
    assert resident.credit_status == "good"
    assert resident_find(mobile="13909412345", id_last4=NUMBER[-4:].lower()) == resident
    with pytest.raises(ValidationError, match="已登记为居民"):
        resident_register(
            actor=staff,
            resident=new_resident(name="另一人"),
            id_number=NUMBER,
            mobile="13909412346",
        )


def test_a_resident_registered_by_an_enterprise_waits_for_staff(django_user_model):
    enterprise = EnterpriseFactory()
    resident = resident_register(
        actor=None,
        resident=new_resident(),
        id_number=NUMBER,
        mobile="13909412345",
        enterprise=enterprise,
    )
    assert not resident.is_verified
    assert (resident.source, resident.registered_by_enterprise) == ("enterprise", enterprise)
    staff = django_user_model.objects.create_user("xinyong", is_staff=True)
    assert resident_verify(actor=staff, resident=resident).verified_by == staff


def test_mobile_and_last4_must_name_one_person():
    first = ResidentFactory(id_number=NUMBER, mobile="13909410000")
    # Another person whose ID number ends in the same four characters, same phone.
    twin = next(
        number
        for days in range(1, 5000)
        for number in [
            make_id_number(datetime.date(1961, 1, 1) + datetime.timedelta(days=days), sequence=12)
        ]
        if number[-4:] == first.id_last4
    )
    with pytest.raises(ValidationError, match="请换一个联系手机"):
        resident_register(
            actor=None, resident=new_resident(), id_number=twin, mobile="139-0941-0000"
        )


def test_memberships_from_enterprises_wait_for_verification(django_user_model):
    _, groups = default_catalogue()
    resident = ResidentFactory()
    membership = membership_save(
        actor=None,
        membership=GroupMembership(
            resident=resident, group=groups["disabled"], valid_from=datetime.date(2025, 1, 1)
        ),
    )
    assert not membership.is_verified
    staff = django_user_model.objects.create_user("xinyong", is_staff=True)
    assert membership_verify(actor=staff, membership=membership).is_verified
    membership.valid_to = datetime.date(2026, 12, 31)
    assert not membership_save(actor=None, membership=membership).is_verified
    with pytest.raises(ValidationError, match="自动认定"):
        membership_save(
            actor=None,
            membership=GroupMembership(
                resident=resident, group=groups["elderly-80"], valid_from=datetime.date(2025, 1, 1)
            ),
        )


# --- Support and training applications --------------------------------------------------


def apply(programme, enterprise, **kwargs):
    kwargs.setdefault("statement", "本企业服务规范，申请扶持。")
    return application_submit(
        actor=None,
        programme=programme,
        enterprise=enterprise,
        contact_person="王经理",
        contact_phone="13909410001",
        **kwargs,
    )


def test_applications_are_ranked_by_grade_then_score_with_ineligible_ones_marked():
    measures, _ = default_catalogue()
    programme = ProgrammeFactory(measure=measures["enterprise-support-priority"], quota=2)
    ranked_in = {}
    for name, value, total in [
        ("甲", "AA", None),
        ("乙", "AAA", None),
        ("丙", "A", None),
        ("丁", "B", None),
        ("戊", None, None),
        ("己", "AAA", "listed"),
        ("庚", "AA", None),
    ]:
        enterprise = EnterpriseFactory(name=f"{name}家政")
        grade(enterprise, value)
        if total:
            key_list(enterprise)
        ranked_in[name] = apply(programme, enterprise)
    # 庚 scores higher than 甲 within AA.
    Rating.objects.filter(enterprise__name="庚家政").update(total=Decimal("88.5"))

    ranking = programme_ranking(programme)

    assert [r.application.enterprise.name for r in ranking[:3]] == ["乙家政", "庚家政", "甲家政"]
    assert [r.rank for r in ranking[:3]] == [1, 2, 3]
    assert [r.within_quota for r in ranking[:3]] == [True, True, False]
    reasons = {r.application.enterprise.name: (r.eligible, r.reason) for r in ranking}
    assert reasons["丙家政"] == (False, reasons["丙家政"][1])
    assert "未达到AA级及以上" in reasons["丙家政"][1]
    assert "B级（诚信警示）主体不能参加守信激励" in reasons["丁家政"][1]
    assert "暂无正式确定的信用评价结果" in reasons["戊家政"][1]
    assert "重点管理名单" in reasons["己家政"][1]
    with pytest.raises(ValidationError, match="B级"):
        application_transition(actor=None, application=ranked_in["丁"], to="approved", note="同意")
    approved = application_transition(actor=None, application=ranked_in["乙"], to="approved")
    assert approved.status == "approved" and approved.decided_at
    with pytest.raises(ValidationError, match="须说明理由"):
        application_transition(actor=None, application=ranked_in["甲"], to="rejected")


def test_one_application_per_programme_and_only_while_open():
    programme = ProgrammeFactory()
    enterprise = EnterpriseFactory()
    first = apply(programme, enterprise)
    with pytest.raises(ValidationError, match="已申报此项目"):
        apply(programme, enterprise)
    application_transition(actor=None, application=first, to="withdrawn")
    assert apply(programme, enterprise).status == "submitted"
    closed = ProgrammeFactory(
        opens_on=datetime.date(2025, 1, 1), closes_on=datetime.date(2025, 3, 31)
    )
    with pytest.raises(ValidationError, match="不在申报期内"):
        apply(closed, enterprise)


def test_training_places_are_the_named_trainees_from_the_own_staff():
    programme = ProgrammeFactory(kind="training", quota=3)
    enterprise = EnterpriseFactory()
    staff = [EmploymentFactory(enterprise=enterprise).worker for _ in range(2)]
    application = apply(programme, enterprise, trainees=staff)
    assert application.places == 2
    stranger = EmploymentFactory().worker
    with pytest.raises(ValidationError, match="不是本企业在职人员"):
        apply(programme, EnterpriseFactory(), trainees=[stranger])


# --- Coverage --------------------------------------------------------------------------------


def test_coverage_counts_residents_redemptions_and_discounts(django_assert_max_num_queries):
    measures, groups = default_catalogue()
    category = ServiceCategoryFactory(name="居家保洁（统计测试）")
    enterprise = EnterpriseFactory(name="统计家政")
    alice, bob, _ = ResidentFactory(), ResidentFactory(), ResidentFactory()

    def redeem(resident, served_on, discount, status="recorded", group=None):
        redemption = Redemption.objects.create(
            resident=resident,
            enterprise=enterprise,
            category=category,
            served_on=served_on,
            order_amount=Decimal(100),
            discount_percent=discount,
            discount_amount=Decimal(discount),
            paid_amount=Decimal(100 - discount),
            status=status,
        )
        RedemptionItem.objects.create(
            redemption=redemption,
            measure=measures["resident-discount"],
            discount_percent=discount,
            discount_amount=Decimal(discount),
        )
        if group:
            redemption.special_groups.add(group)

    redeem(alice, datetime.date(2025, 10, 3), 10)
    redeem(alice, datetime.date(2025, 11, 3), 25, group=groups["tekun"])
    redeem(bob, datetime.date(2025, 11, 5), 10)
    redeem(bob, datetime.date(2025, 11, 6), 10, status="cancelled")
    redeem(bob, datetime.date(2024, 1, 6), 10)  # outside the twelve months

    with django_assert_max_num_queries(10):
        stats = coverage()

    assert (stats.residents_registered, stats.residents_benefited, stats.redemptions) == (3, 2, 3)
    assert stats.discount == Decimal(45)
    assert stats.coverage_percent == Decimal("66.7")
    assert [(r.label, r.redemptions, r.discount) for r in stats.by_month] == [
        ("2025年10月", 1, Decimal(10)),
        ("2025年11月", 2, Decimal(35)),
    ]
    assert [(r.label, r.residents, r.discount) for r in stats.by_group] == [
        ("特困人员", 1, Decimal(25))
    ]
    assert [(r.label, r.residents, r.redemptions) for r in stats.by_measure] == [
        ("守信居民家政服务优惠", 2, 3)
    ]
    assert [(r.label, r.residents) for r in stats.by_enterprise] == [("统计家政", 2)]
    assert [(r.label, r.redemptions) for r in stats.by_township] == [("城关镇", 3)]
