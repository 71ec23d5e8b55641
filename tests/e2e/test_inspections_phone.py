"""On a 360 px phone: a resident reads the random inspections' results (双随机、一公开), and
an enterprise ordered to rectify opens its notice from the portal home and answers it."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from inspections.models import RATE_FIELDS, Inspection
from inspections.services import inspection_record, round_draw
from registry.models import Township
from tests.factories.registry import EnterpriseFactory
from tests.portal_fixtures import portal_user
from zhouqu_jiazheng.roles import CREDIT_OFFICER

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.fixture
def inspected(django_user_model):
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    group = Group.objects.get(name=CREDIT_OFFICER)
    for n in range(4):
        django_user_model.objects.create_user(f"jiancha{n}", is_staff=True).groups.add(group)
    good = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司", township=township)
    ours = EnterpriseFactory(name="舟曲县白龙江家政服务有限公司", township=township)
    today = timezone.localdate()
    inspection_round = round_draw(
        actor=None,
        title="第一季度双随机抽查",
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=20),
        rates=dict.fromkeys(RATE_FIELDS.values(), 100),
        seed=11,
    )
    for enterprise, result in ((good, "passed"), (ours, "rectify")):
        inspection_record(
            actor=None,
            inspection=inspection_round.inspections.get(enterprise=enterprise),
            result=result,
            findings="店内未公示收费标准。" if result == "rectify" else "证照齐全。",
            done_on=today,
        )
    return good, ours


def test_a_resident_reads_the_inspection_results_on_a_phone(phone_page, live_server, inspected):
    page = phone_page
    page.goto(live_server.url + "/inspections/")
    assert page.locator("h1").inner_text() == "双随机抽查公示"
    assert page.get_by_text("舟曲县格桑花家政服务有限公司").is_visible()
    assert page.get_by_text("责令整改").first.is_visible()
    assert no_sideways_scroll(page)
    assert page.console_errors == [] and page.outside_requests == []


def test_the_enterprise_answers_its_notice_on_a_phone(phone_page, live_server, inspected):
    _good, ours = inspected
    user = portal_user(ours)
    session = user.client.cookies[settings.SESSION_COOKIE_NAME].value
    page = phone_page
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(live_server.url + "/portal/")
    card = page.locator("#card-notices")
    assert card.is_visible()
    card.get_by_role("link", name="双随机抽查责令整改").first.click()
    page.wait_for_url("**/portal/credit/notices/*/")
    assert page.get_by_text("店内未公示收费标准。").is_visible()
    assert no_sideways_scroll(page)
    page.fill("#id_report", "已在店内公示全部收费标准。")
    page.get_by_role("button", name="提交整改报告").click()
    page.wait_for_url("**/portal/credit/notices/*/")
    assert page.get_by_text("待验收").first.is_visible()
    assert Inspection.objects.get(enterprise=ours).notice.status == "submitted"
    assert page.console_errors == [] and page.outside_requests == []
