"""Finding an enterprise's public profile: the credit look-up searches by name, township,
service and grade and links each operating enterprise to its profile; the honour roll, the
incentive catalogue, the verify page and the posters link to it too."""

import pytest
from django.urls import reverse

from credit.models import Grade
from registry.models import Enterprise
from registry.services.cards import card_issue
from reporting import posters
from tests.factories.incentives import default_catalogue, grade, join
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
)

pytestmark = pytest.mark.django_db


def profile_url(enterprise) -> str:
    return reverse("enterprises:profile", args=[enterprise.pk])


def lookup(client, **params) -> str:
    response = client.get(reverse("credit:lookup"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def county():
    window = ServiceCategoryFactory(code="window-wash", name="擦玻璃服务")
    nanny = ServiceCategoryFactory(code="night-nanny", name="夜间陪护")
    best = EnterpriseFactory(name="舟曲县甲级家政公司")
    grade(best, Grade.AAA, year=2024)
    grade(best, Grade.AA, year=2025)  # the latest final grade counts
    good = EnterpriseFactory(name="舟曲县乙级家政公司")
    grade(good, Grade.AAA)
    plain = EnterpriseFactory(name="舟曲县丙级家政公司")
    ServiceOfferingFactory(enterprise=best, category=window)
    ServiceOfferingFactory(enterprise=good, category=nanny)
    ServiceOfferingFactory(enterprise=plain, category=window, is_active=False)
    return {"window": window, "nanny": nanny, "best": best, "good": good, "plain": plain}


def test_the_look_up_filters_by_service_offered_now(client, county):
    page = lookup(client, service=county["window"].pk)
    assert "舟曲县甲级家政公司" in page
    assert "舟曲县乙级家政公司" not in page and "舟曲县丙级家政公司" not in page


def test_the_look_up_filters_by_the_latest_final_grade(client, county):
    page = lookup(client, grade="AAA")
    assert "舟曲县乙级家政公司" in page
    assert "舟曲县甲级家政公司" not in page  # AAA in 2024, AA since
    page = lookup(client, grade="AA", service=county["window"].pk, q="家政")
    assert "舟曲县甲级家政公司" in page and "共1家" in page


def test_bad_filters_are_refused_in_chinese(client, county):
    page = lookup(client, grade="AAAA", service="abc")
    assert "所选的信用等级不在可选范围内，请重新选择。" in page
    assert "所选的服务项目不在可选范围内，请重新选择。" in page


def test_each_operating_result_links_to_its_profile(client, county):
    closed = EnterpriseFactory(
        name="舟曲县已歇业家政公司", business_status=Enterprise.BusinessStatus.SUSPENDED
    )
    page = lookup(client)
    assert profile_url(county["best"]) in page and profile_url(county["plain"]) in page
    assert "舟曲县已歇业家政公司" in page and profile_url(closed) not in page


def test_the_honour_roll_links_each_enterprise_to_its_profile(client, county):
    page = client.get(reverse("credit:honor_roll")).content.decode()
    assert profile_url(county["good"]) in page


def test_the_incentive_catalogue_links_participating_enterprises(client, county):
    measures, _groups = default_catalogue()
    measure = next(m for m in measures.values() if m.offered_by_enterprises)
    join(county["good"], measure)
    page = client.get(reverse("incentives:catalogue")).content.decode()
    assert profile_url(county["good"]) in page


def test_the_verify_page_links_the_employer_while_it_operates(client):
    enterprise = EnterpriseFactory(name="舟曲县核验家政公司")
    card = card_issue(
        actor=None, employment=EmploymentFactory(enterprise=enterprise), warnings_confirmed=True
    )
    verify = reverse("verify", kwargs={"token": card.token})
    assert profile_url(enterprise) in client.get(verify).content.decode()

    Enterprise.objects.filter(pk=enterprise.pk).update(
        business_status=Enterprise.BusinessStatus.SUSPENDED
    )
    assert profile_url(enterprise) not in client.get(verify).content.decode()


def test_an_enterprise_poster_prints_its_profile_address(client, county):
    enterprise = county["good"]
    poster = posters.enterprise_poster(2025, enterprise.pk, lambda p: "http://testserver" + p)
    assert poster.profile_url == "http://testserver" + profile_url(enterprise)
    html = client.get(reverse("posters:enterprise", args=[2025, enterprise.pk])).content.decode()
    assert "http://testserver" + profile_url(enterprise) in html
