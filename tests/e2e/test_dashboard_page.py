"""Staff open the dashboard in a real browser: it renders with its charts, without console
errors, and nothing is fetched from outside the machine."""

import pytest
from django.contrib.auth import get_user_model

from credit.models import EvaluationStandard, Indicator, VetoRule
from credit.standards_default import create_default_standards
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EnterpriseFactory, township

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_page(browser, live_server):
    """A desktop browser in the bureau's office, recording requests leaving the machine."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.outside_requests = []
    page.console_errors = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else page.outside_requests.append(request.url)
        ),
    )
    page.on(
        "console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None
    )
    yield page
    context.close()


def test_the_dashboard_renders_in_a_browser(desk_page, live_server):
    create_default_standards(EvaluationStandard, Indicator, VetoRule, year=2025)
    township()
    ComplaintFactory(enterprise=EnterpriseFactory())
    get_user_model().objects.create_superuser(username="boss", password="Zhouqu-2025x")
    page = desk_page

    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "Zhouqu-2025x")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    assert page.locator("#timeline-title").inner_text().endswith("工作进度")
    assert page.locator("svg.chart").count() == 4
    assert page.locator("svg.chart").first.bounding_box()["width"] > 200
    page.get_by_role("link", name="登记家政企业").first.click()
    page.wait_for_url("**/admin/registry/enterprise/")

    assert page.outside_requests == []
    assert page.console_errors == []
