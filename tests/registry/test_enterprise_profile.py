"""The public enterprise profile (/enterprises/<id>/): one page per operating enterprise with
its identity, contact, licences, services beside the guide price, workers holding valid
cards (names masked), and the sections credit and incentives add; never an ID number or a
worker's mobile."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.models import EvaluationStandard, EventKind, Grade, Rating
from registry.models import Enterprise, EnterpriseQualification
from registry.profile import PROFILE_SECTIONS
from registry.services.cards import card_issue, card_revoke
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import RatingFactory
from tests.factories.incentives import default_catalogue, grade, join
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    QualificationFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


def profile(client, enterprise):
    return client.get(reverse("enterprises:profile", args=[enterprise.pk]))


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong-profile", is_staff=True)


@pytest.fixture
def enterprise():
    return EnterpriseFactory(
        name="舟曲县巧手家政服务有限公司",
        phone="0941-5121234",
        business_address="城关镇北街8号",
        business_scope="家政服务；保洁服务",
    )


def test_the_profile_shows_identity_contact_and_how_to_review_complain_and_verify(
    client, enterprise
):
    response = profile(client, enterprise)

    assert response.status_code == 200
    page = response.content.decode()
    assert "舟曲县巧手家政服务有限公司" in page
    assert enterprise.uscc in page
    assert "城关镇北街8号" in page and "城关镇" in page and "家政企业" in page
    assert 'href="tel:09415121234"' in page  # tap to call
    assert f"{reverse('reviews:new')}?enterprise={enterprise.pk}" in page
    assert f"{reverse('complaints:new')}?enterprise={enterprise.pk}" in page
    assert "如何核验上门服务人员" in page and "二维码" in page


@pytest.mark.parametrize(
    "status",
    [
        Enterprise.BusinessStatus.SUSPENDED,
        Enterprise.BusinessStatus.DEREGISTERED,
        Enterprise.BusinessStatus.REVOKED,
    ],
)
def test_only_operating_enterprises_have_a_profile(client, status):
    closed = EnterpriseFactory(business_status=status)
    assert profile(client, closed).status_code == 404
    assert client.get("/enterprises/999999/").status_code == 404


def test_the_profile_is_composed_of_the_apps_sections_in_order():
    assert PROFILE_SECTIONS.ordered_keys() == [
        "licences",
        "services",
        "grades",
        "honours",
        "pledge",
        "incentives",
        "workers",
    ]


def test_licence_status_comes_from_the_qualifications_validity(client, enterprise):
    today = timezone.localdate()
    page = profile(client, enterprise).content.decode()
    assert "营业执照" in page and "缺失" in page

    QualificationFactory(
        enterprise=enterprise,
        kind=EnterpriseQualification.Kind.BUSINESS_LICENCE,
        valid_from=today - datetime.timedelta(days=800),
        valid_to=today - datetime.timedelta(days=1),
    )
    assert "已过期" in profile(client, enterprise).content.decode()

    QualificationFactory(
        enterprise=enterprise,
        kind=EnterpriseQualification.Kind.BUSINESS_LICENCE,
        valid_from=today,
        valid_to=None,
    )
    page = profile(client, enterprise).content.decode()
    assert '<span class="badge badge-valid">有效</span>' in page  # the renewed licence counts
    assert "长期有效" in page


def test_services_show_the_price_beside_the_guide_range_with_process_and_commitment(
    client, enterprise
):
    category = ServiceCategoryFactory(
        code="deep-clean",
        name="高层外窗深度清洁",
        standard_process="核对需求\n分区清洁\n客户验收",
        commitment="损坏照价赔偿。",
        guide_price_min=Decimal("30"),
        guide_price_max=Decimal("50"),
    )
    ServiceOfferingFactory(enterprise=enterprise, category=category, price=Decimal("80"))
    stopped = ServiceCategoryFactory(code="stopped", name="已停止的项目")
    ServiceOfferingFactory(enterprise=enterprise, category=stopped, is_active=False)

    page = profile(client, enterprise).content.decode()

    assert "高层外窗深度清洁" in page
    assert "80 元/小时" in page and "指导价：30–50 元/小时" in page
    assert "超出指导价范围" in page
    assert "核对需求<br>分区清洁<br>客户验收" in page and "损坏照价赔偿。" in page
    assert "已停止的项目" not in page


def test_workers_with_valid_cards_are_listed_with_masked_names_and_no_personal_numbers(
    client, enterprise, staff
):
    holder = WorkerFactory(name="扎西卓玛", phone="13809417777")
    card_issue(
        actor=staff,
        employment=EmploymentFactory(worker=holder, enterprise=enterprise, position="保洁员"),
        warnings_confirmed=True,
    )
    revoked = WorkerFactory(name="马玉兰")
    card = card_issue(
        actor=staff,
        employment=EmploymentFactory(worker=revoked, enterprise=enterprise),
        warnings_confirmed=True,
    )
    card_revoke(actor=staff, card=card, reason="遗失")
    EmploymentFactory(worker=WorkerFactory(name="李春花"), enterprise=enterprise)  # no card

    page = profile(client, enterprise).content.decode()

    assert "扎**玛" in page and "保洁员" in page
    assert "扎西卓玛" not in page
    assert "马*兰" not in page and "马玉兰" not in page
    assert "李*花" not in page
    for worker in (holder, revoked):
        assert worker.id_number_masked not in page
        assert worker.id_last4 not in page
    assert "13809417777" not in page and holder.phone_masked not in page


def enterprise_standard():
    return EvaluationStandard.objects.get(year=2025, subject_type="enterprise", status="active")


def test_grades_by_year_with_the_publicised_one_marked_and_no_draft(
    client, enterprise, default_standards
):
    RatingFactory(
        enterprise=enterprise,
        year=2024,
        standard=enterprise_standard(),
        grade=Grade.AA,
        total=88,
        status="final",
    )
    RatingFactory(
        enterprise=enterprise,
        year=2025,
        grade=Grade.AAA,
        total=93,
        status=Rating.Status.PUBLICISED,
        publicity_ends_on=datetime.date(2025, 11, 26),
    )
    page = profile(client, enterprise).content.decode()
    assert "2024年度" in page and "AA 诚信良好" in page
    assert "2025年度" in page and "公示中" in page and "2025年11月26日" in page

    Rating.objects.filter(year=2025).update(status=Rating.Status.DRAFT)
    page = profile(client, enterprise).content.decode()
    assert "2025年度" not in page


def test_honours_are_the_honour_roll_years_and_awards_still_disclosed(
    client, enterprise, default_standards
):
    RatingFactory(
        enterprise=enterprise,
        year=2024,
        standard=enterprise_standard(),
        grade=Grade.AAA,
        total=95,
        status="final",
    )
    CreditEventFactory(
        enterprise=enterprise,
        kind=EventKind.AWARD,
        title="县级巾帼家政示范单位",
        occurred_on=timezone.localdate() - datetime.timedelta(days=30),
        disclosure_until=timezone.localdate() + datetime.timedelta(days=300),
    )
    CreditEventFactory(
        enterprise=enterprise,
        kind=EventKind.AWARD,
        title="早已过期的表彰",
        occurred_on=datetime.date(2019, 1, 1),
        disclosure_until=datetime.date(2020, 1, 1),
    )
    page = profile(client, enterprise).content.decode()
    assert "2024年度诚信红榜" in page
    assert "县级巾帼家政示范单位" in page
    assert "早已过期的表彰" not in page


def test_incentive_measures_it_takes_part_in_and_qualifies_for(client, enterprise):
    measures, _groups = default_catalogue()
    resident_measures = [m for m in measures.values() if m.offered_by_enterprises]
    assert resident_measures
    measure = resident_measures[0]
    join(enterprise, measure)
    assert measure.title not in profile(client, enterprise).content.decode()  # not graded yet

    grade(enterprise, Grade.AAA)
    page = profile(client, enterprise).content.decode()
    assert measure.title in page


def test_the_profile_page_runs_a_fixed_number_of_queries(
    client, enterprise, staff, django_assert_max_num_queries
):
    for n in range(8):
        card_issue(
            actor=staff,
            employment=EmploymentFactory(enterprise=enterprise),
            warnings_confirmed=True,
        )
        ServiceOfferingFactory(enterprise=enterprise, category=ServiceCategoryFactory(code=f"q{n}"))
    with django_assert_max_num_queries(25):
        assert profile(client, enterprise).status_code == 200
