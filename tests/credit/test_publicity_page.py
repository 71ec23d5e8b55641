"""The public 公示 page (/credit/publicity/): who sees what during and after publicity."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core import personal_data
from credit.models import EvaluationStandard, Rating
from registry.models import Enterprise, Township
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 22, 2, tzinfo=datetime.UTC)  # 22 November, Zhouqu
STARTS, ENDS = datetime.date(2025, 11, 20), datetime.date(2025, 11, 26)
URL = "/credit/publicity/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_rating(subject, *, grade="AA", total="85.0", status="publicised", year=2025, **extra):
    kind = "enterprise" if isinstance(subject, Enterprise) else "worker"
    total = Decimal(total)
    if status == "publicised":
        extra = {"publicity_starts_on": STARTS, "publicity_ends_on": ENDS, **extra}
    return Rating.objects.create(
        **{kind: subject},
        year=year,
        standard=EvaluationStandard.objects.get(year=2025, subject_type=kind, status="active"),
        compliance=Decimal("25.0"),
        quality=Decimal("20.0"),
        reputation=Decimal("20.0"),
        commitment=total - Decimal("65.0"),
        total=total,
        grade=grade,
        status=status,
        computed_at=NOW,
        **extra,
    )


def get(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> list[str]:
    return re.findall(r'<li class="result publicity-row">.*?</li>', html, re.S)


def test_the_url_and_the_links_from_home_and_the_lookup(client):
    assert reverse("credit:publicity") == URL
    assert f'href="{URL}"' in client.get("/").content.decode()
    assert f'href="{URL}"' in client.get("/credit/").content.decode()


def test_during_publicity_the_publicised_ratings_are_listed_with_the_period(client):
    shown = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司")
    make_rating(shown, grade="AAA", total="93.5")
    make_rating(EnterpriseFactory(name="待审核家政"), grade="AAA", status="draft")
    html = get(client)
    assert "2025年度家政行业信用评价结果正在公示" in html
    assert "2025年11月20日至2025年11月26日" in html
    assert "信用异议" in html and "提出意见" in html  # how to object, both ways
    (row,) = rows(html)
    assert shown.name in row and shown.township.name in row
    assert "AAA 诚信示范" in row and "93.5" in row
    assert (
        reverse("credit:publicity_opinion", args=[Rating.objects.get(enterprise=shown).pk]) in row
    )
    # Draft ratings never.
    assert "待审核家政" not in html


def test_draft_ratings_are_never_shown_in_any_year(client):
    make_rating(EnterpriseFactory(name="草稿家政"), status="draft", year=2024)
    html = get(client, year=2024)
    assert "草稿家政" not in html and "2024年度" not in html


def test_after_the_period_the_publicised_list_goes_and_the_final_list_by_year_stays(client, clock):
    old = EnterpriseFactory(name="去年定级家政")
    make_rating(old, grade="A", total="70.0", status="final", year=2024)
    current = EnterpriseFactory(name="今年公示家政")
    make_rating(current, grade="AA", total="82.0")

    html = get(client)
    assert "今年公示家政" in html and "去年定级家政" not in html
    assert 'href="?year=2024"' in html and 'href="?year=2025"' in html
    html = get(client, year=2024)
    assert "2024年度家政行业信用评价结果已经公示期满、正式确定" in html
    assert "去年定级家政" in html and "今年公示家政" not in html
    assert "提出意见" not in html.split('id="results-title"')[1]

    # The period is over (an open objection may still hold the rating): no longer listed.
    clock.move_to(datetime.datetime(2025, 11, 27, 2, tzinfo=datetime.UTC))
    html = get(client)
    assert "今年公示家政" not in html and "去年定级家政" in html
    Rating.objects.filter(enterprise=current).update(status="final")
    html = get(client, year=2025)
    assert "今年公示家政" in html and "最终名单" in html


def test_workers_are_shown_masked_with_employer_and_grade_only(client):
    employer = EnterpriseFactory(name="舟曲县白龙江家政服务部", phone="13909418899")
    make_rating(employer)
    worker = WorkerFactory(name="扎西卓玛", phone="13809417788")
    EmploymentFactory(worker=worker, enterprise=employer)
    make_rating(worker, grade="AA", total="86.5")
    html = get(client, kind="worker")
    (row,) = rows(html)
    assert "扎**玛" in row and employer.name in row and "AA 诚信良好" in row
    assert "86.5" not in row and "总分" not in row
    full_id = personal_data.decrypt(worker.id_number_encrypted)
    for secret in ("扎西卓玛", full_id, worker.id_number_masked, worker.id_last4 + "<",
                   "13809417788", "138****7788"):  # fmt: skip
        assert secret not in html, secret
    # Workers are found by their employer, not by their own name.
    assert len(rows(get(client, kind="worker", q="白龙江"))) == 1
    assert rows(get(client, kind="worker", q="扎西卓玛")) == []


def test_every_grade_is_listed_with_the_labels_the_admin_uses(client):
    make_rating(EnterpriseFactory(name="否决家政"), grade="B", total="88.0", vetoed=True)
    make_rating(EnterpriseFactory(name="新办家政"), grade="N", total="75.0",
                not_graded_reason="成立不满6个月")  # fmt: skip
    make_rating(EnterpriseFactory(name="警示家政"), grade="B", total="55.0")
    html = get(client)
    names = [re.search(r'class="result-name">(?:<a[^>]*>)?([^<]+)', r).group(1) for r in rows(html)]
    assert names == ["否决家政", "警示家政", "新办家政"]  # B before 暂不评级, by total
    vetoed, warned, new = rows(html)
    assert "B 诚信警示" in vetoed and "一票否决" in vetoed
    assert "B 诚信警示" in warned and "55.0" in warned
    assert "暂不评级" in new and "75.0" not in new


def test_filters_by_township_grade_and_name(client):
    towns = list(Township.objects.order_by("pk")[:2])
    make_rating(EnterpriseFactory(name="城关甲家政", township=towns[0]), grade="AAA", total="95")
    make_rating(EnterpriseFactory(name="城关乙家政", township=towns[0]), grade="A", total="65")
    make_rating(EnterpriseFactory(name="大川丙家政", township=towns[1]), grade="AAA", total="92")
    assert len(rows(get(client, township=towns[0].pk))) == 2
    (row,) = rows(get(client, township=towns[0].pk, grade="AAA"))
    assert "城关甲家政" in row
    (row,) = rows(get(client, q="丙"))
    assert "大川丙家政" in row
    html = get(client, grade="B")
    assert "没有符合条件的评价结果" in html


def test_the_list_is_paginated_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    employer = EnterpriseFactory(name="用工家政")
    for index in range(45):
        worker = WorkerFactory(name=f"测试人员{index:02d}")
        EmploymentFactory(worker=worker, enterprise=employer)
        make_rating(worker, total=str(60 + index % 30))
    with django_assert_max_num_queries(12):
        html = get(client, kind="worker", page=3)
    assert len(rows(html)) == 5 and "第3页，共3页" in html and "共45人" in html


def test_bad_filter_values_do_not_break_the_page(client):
    make_rating(EnterpriseFactory(name="正常家政"))
    html = get(client, year="abc", township="x", grade="Z", kind="nobody", page="-1")
    assert "正常家政" in html


def test_no_year_yet_says_what_will_appear(client):
    html = get(client)
    assert "年度信用评价结果公示时，将在这里列出全部评价结果" in html
