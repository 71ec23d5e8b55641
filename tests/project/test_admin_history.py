"""The admin's change history and the titles built from a moment read as staff read them:
Chinese headers, display values, local time (Asia/Shanghai)."""

import datetime
import html as html_module
import re

import pytest
import time_machine
from django.urls import reverse

from complaints.models import ComplaintUpdate
from credit.models import EvaluationStandard, RatingRun
from registry.models import DocumentNotice
from reporting.models import AnnualReport
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EnterpriseFactory

# 17:05 UTC on 2 December is 01:05 on 3 December in Zhouqu.
MOMENT = datetime.datetime(2025, 12, 2, 17, 5, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def test_history_shows_chinese_headers_labels_yes_no_empty_and_local_time(staff_client):
    with time_machine.travel(MOMENT, tick=False):
        enterprise = EnterpriseFactory(document_status="missing", is_stale=False)
        enterprise.document_status = "valid"
        enterprise.is_stale = True
        enterprise.last_confirmed_at = MOMENT
        enterprise.save()
        enterprise.last_confirmed_at = None
        enterprise.save()
    response = staff_client.get(reverse("admin:registry_enterprise_history", args=[enterprise.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for header in ("时间", "操作", "操作人", "变更内容"):
        assert f'<th scope="col">{header}</th>' in html
    for english in ("Changes", "Date/time", "Changed by", "Comment", "None", "False", "True"):
        assert english not in html, english
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", html))
    text = re.sub(r"\s+", " ", text.replace("\xa0", " "))
    assert "缺失 → 有效" in text
    assert "否 → 是" in text
    assert "空 → 2025-12-03 01:05" in text
    assert "2025-12-03 01:05 → 空" in text
    assert "2025-12-03 01:05" in text  # the time of the change itself
    assert "2025-12-02 17:05" not in text
    assert "新建" in text and "修改" in text


def test_history_version_page_is_read_only(staff_client):
    enterprise = EnterpriseFactory()
    version = enterprise.history.first()
    url = reverse(
        "admin:registry_enterprise_simple_history", args=[enterprise.pk, version.history_id]
    )
    assert staff_client.get(url).status_code == 200
    name = enterprise.name
    response = staff_client.post(url, {"name": "改过的名称"})
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.name == name


def test_titles_built_from_a_moment_use_local_time(staff_client):
    with time_machine.travel(MOMENT, tick=False):
        standards = EvaluationStandard.objects.filter(year=2025, status="active")
        run = RatingRun.objects.create(
            year=2025,
            enterprise_standard=standards.get(subject_type="enterprise"),
            worker_standard=standards.get(subject_type="worker"),
        )
        report = AnnualReport.objects.create(year=2025)
        complaint = ComplaintFactory()
        update = ComplaintUpdate.objects.create(
            complaint=complaint, visibility="public", text="已受理"
        )
        notice = DocumentNotice.objects.create(
            enterprise=complaint.enterprise, channel="email", recipient="a@b.cn", body="提醒"
        )
    assert str(run) == "2025年度评价（2025-12-03 01:05）"
    assert str(report) == "2025年度报告（2025-12-03 01:05）"
    assert str(update).endswith("2025-12-03 01:05")
    assert str(notice).endswith("2025-12-03")
    page = staff_client.get(reverse("admin:credit_ratingrun_changelist")).content.decode()
    assert "2025年度评价（2025-12-03 01:05）" in page


def test_no_text_formats_a_stored_moment_without_local_time():
    """A moment (a DateTimeField, named *_at) is stored in UTC: formatting it directly in an
    f-string prints UTC. Every such text goes through timezone.localtime() first."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\{(?!timezone\.localtime)[\w.]*_at(?:\)|\})?:%")
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for app in (
            "registry",
            "credit",
            "complaints",
            "reviews",
            "agreements",
            "inspections",
            "incentives",
            "portal",
            "zhouqu_jiazheng",
            "articles",
            "reporting",
            "demo",
        )
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, "\n".join(offenders)
