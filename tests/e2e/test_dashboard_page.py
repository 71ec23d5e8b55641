"""Staff open the dashboard in a real browser: it renders with its charts, without console
errors, and nothing is fetched from outside the machine."""

import pytest
from django.contrib.auth import get_user_model

from credit.models import EvaluationStandard, Indicator, VetoRule
from credit.standards_default import create_default_standards
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EnterpriseFactory, township

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_renders_in_a_browser(desktop_page, live_server, admin_sign_in):
    create_default_standards(EvaluationStandard, Indicator, VetoRule, year=2025)
    township()
    ComplaintFactory(enterprise=EnterpriseFactory())
    get_user_model().objects.create_superuser(username="boss", password="Zhouqu-2025x")
    page = desktop_page

    admin_sign_in(page, "boss", "Zhouqu-2025x")

    assert page.locator("#timeline-title").inner_text().endswith("工作进度")
    assert page.locator("svg.chart").count() == 4
    assert page.locator("svg.chart").first.bounding_box()["width"] > 200
    page.get_by_role("link", name="登记家政企业").first.click()
    page.wait_for_url("**/admin/registry/enterprise/")

    assert page.outside_requests == []
    assert page.console_errors == []
