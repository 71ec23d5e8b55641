"""A resident reads the 公示 list on a phone and sends an opinion with an SMS code."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from core.notifications import MemorySmsBackend
from credit.models import EvaluationStandard, Indicator, PublicityOpinion, Rating, VetoRule
from credit.standards_default import create_default_standards
from registry.models import Township
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def publicised(subject, grade: str, total: str) -> Rating:
    kind = "enterprise" if subject.__class__.__name__ == "Enterprise" else "worker"
    today = timezone.localdate()
    return Rating.objects.create(
        **{kind: subject},
        year=today.year,
        standard=EvaluationStandard.objects.get(year=2025, subject_type=kind),
        compliance=Decimal("28.0"),
        quality=Decimal("22.0"),
        reputation=Decimal("22.0"),
        commitment=Decimal(total) - Decimal("72.0"),
        total=Decimal(total),
        grade=grade,
        status="publicised",
        publicity_starts_on=today - datetime.timedelta(days=2),
        publicity_ends_on=today + datetime.timedelta(days=4),
        computed_at=timezone.now(),
    )


def test_a_resident_reads_the_publicity_list_and_sends_an_opinion_on_a_phone(
    phone_page, live_server, settings
):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    create_default_standards(EvaluationStandard, Indicator, VetoRule, year=2025)
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    enterprise = EnterpriseFactory(
        name="舟曲县格桑花家政服务有限公司", township=township, phone="13909418899"
    )
    rating = publicised(enterprise, "AAA", "95.0")
    worker = WorkerFactory(name="扎西卓玛", phone="13809417788")
    EmploymentFactory(worker=worker, enterprise=enterprise)
    publicised(worker, "AA", "86.0")
    page = phone_page

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="结果公示").first.click()
    page.wait_for_url("**/credit/publicity/")
    assert "正在公示" in page.locator(".publicity-period").inner_text()
    row = page.locator("li.publicity-row")
    assert row.count() == 1 and "95.0" in row.inner_text() and "城关镇" in row.inner_text()

    page.get_by_role("link", name="从业人员", exact=True).click()
    page.wait_for_url("**kind=worker")
    worker_row = page.locator("li.publicity-row")
    assert "扎**玛" in worker_row.inner_text() and "AA 诚信良好" in worker_row.inner_text()
    content = page.content()
    assert "扎西卓玛" not in content and "13809417788" not in content and "86.0" not in content
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the publicity page scrolls sideways on a 360 px phone"

    page.get_by_role("link", name="家政企业", exact=True).click()
    page.get_by_role("link", name="提出意见").click()
    page.wait_for_url(f"**/credit/publicity/{rating.pk}/opinion/")
    page.get_by_label("手机号码").fill("13909416601")
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_label("短信验证码").wait_for()
    code = re.search(r"验证码(\d{6})", MemorySmsBackend.outbox[-1][1]).group(1)
    page.get_by_label("您的姓名").fill("李桂芳")
    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("反映的事实").fill("该企业今年有一次上门服务迟到两小时，且未按公示价格收费。")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the opinion form scrolls sideways on a 360 px phone"
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_url("**/credit/publicity/opinion/received/")
    opinion = PublicityOpinion.objects.get()
    assert opinion.reference in page.locator(".receipt").inner_text()

    assert page.outside_requests == []
    assert page.console_errors == []
    MemorySmsBackend.outbox.clear()
