"""A worker reads their own credit record on a 360-pixel phone with JavaScript off: signs in
with their mobile and the SMS code, reads the summary and the rating explained, lodges an
objection during publicity, agrees to be named on the honour roll, and signs out. Nothing
scrolls sideways and nothing is fetched from elsewhere."""

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model

from core.notifications import MemorySmsBackend
from credit.models import EvaluationStandard, Indicator, Objection, VetoRule
from credit.services.publication import ratings_publish
from credit.standards_default import create_default_standards
from registry.models import PublicNameConsent
from tests.credit.worker_sign_in import rated_worker
from tests.factories.credit_workflows import PUBLISHED_AT, rate_year, rating_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOBILE = "13809417001"
WIDE = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def worker(settings):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    # Transactional tests start from an empty database: seed what the migrations would.
    create_default_standards(EvaluationStandard, Indicator, VetoRule, year=2025)
    staff = get_user_model().objects.create_user("xinyong", password="x", is_staff=True)
    with time_machine.travel(PUBLISHED_AT, tick=False):
        ours, _penalty = rated_worker(MOBILE, "卓玛草")
        rate_year()
        ratings_publish(actor=staff, year=2025)
    yield ours
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def no_script_phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    page.outside_requests = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url)
            else page.outside_requests.append(request.url)
        ),
    )
    yield page
    context.close()


def test_a_worker_reads_and_acts_on_their_record_on_a_phone(no_script_phone, live_server, worker):
    page = no_script_phone
    with time_machine.travel(PUBLISHED_AT, tick=True):
        page.goto(live_server.url + "/workers/")
        assert page.url.endswith("/workers/sign-in/")
        assert page.evaluate(WIDE) <= 0
        page.get_by_label("手机号码").fill("12345")
        page.get_by_role("button", name="获取短信验证码").click()
        assert "手机号码应为11位数字" in page.inner_text("#main")
        page.get_by_label("手机号码").fill(MOBILE)
        page.get_by_role("button", name="获取短信验证码").click()
        assert "第二步：输入短信验证码" in page.inner_text("#main")
        code = re.search(r"验证码(\d{6})", MemorySmsBackend.outbox[-1][1]).group(1)
        page.get_by_label("短信验证码").fill(code)
        page.get_by_role("button", name="登录").click()

        assert page.url.endswith("/workers/")
        main = page.inner_text("#main")
        assert "卓玛草的信用档案" in main and "卓玛草服务不达标" in main
        assert page.evaluate(WIDE) <= 0

        page.get_by_role("link", name=re.compile("2025年度")).click()
        assert "各项指标得分" in page.inner_text("#main")
        assert page.evaluate(WIDE) <= 0
        page.get_by_role("link", name="提出异议").click()
        page.get_by_role("button", name="提交异议").click()
        assert "请填写异议理由" in page.inner_text("#main")
        page.get_by_label("异议理由").fill("投诉已经调解，不应扣分。")
        page.get_by_role("button", name="提交异议").click()
        assert "异议已提交" in page.inner_text("#main")
        assert Objection.objects.get().submitted_by_worker_id == worker.pk

        page.get_by_role("button", name="同意公开全名和照片").click()
        assert "已记录您的同意" in page.inner_text("#main")
        assert PublicNameConsent.objects.current().filter(worker=worker).exists()

        page.get_by_role("button", name="退出").click()
        assert page.url.endswith("/workers/sign-in/")
        page.goto(live_server.url + "/workers/")
        assert page.url.endswith("/workers/sign-in/")
    assert page.outside_requests == []
    assert rating_of(worker).status == "publicised"
