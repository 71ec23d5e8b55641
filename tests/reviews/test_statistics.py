"""Review statistics for the complaint report and the dashboard, on a small known data set
with a time-zone trap: a review written ten minutes into 2026 in Zhouqu belongs to 2026."""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from registry.models import Township
from reviews.models import ServiceReview
from reviews.selectors import review_statistics
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EnterpriseFactory, township
from tests.factories.reviews import ServiceReviewFactory

pytestmark = pytest.mark.django_db

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
YEAR_2025 = {"date_from": D(2025, 1, 1), "date_to": D(2025, 12, 31)}


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SH)


def review(moment, **fields) -> ServiceReview:
    with time_machine.travel(moment, tick=False):
        return ServiceReviewFactory(**fields)


@pytest.fixture
def data():
    chengguan = township()
    dachuan, _ = Township.objects.get_or_create(
        name="大川镇", defaults={"kind": Township.Kind.TOWN, "sort_order": 2}
    )
    a = EnterpriseFactory(name="甲家政", township=chengguan)
    b = EnterpriseFactory(name="乙家政", township=dachuan)
    review(at(2025, 6, 1, 9), enterprise=a, quality=5, punctuality=4, attitude=5)
    review(at(2025, 7, 1, 9), enterprise=b, quality=3, punctuality=3, attitude=4)
    review(
        at(2025, 8, 1, 9),
        enterprise=a,
        quality=1,
        punctuality=1,
        attitude=1,
        status=ServiceReview.Status.HIDDEN,
    )
    review(at(2026, 1, 1, 0, 10), enterprise=a, quality=1, punctuality=1, attitude=1)
    return {"a": a, "b": b, "chengguan": chengguan, "dachuan": dachuan}


def test_a_year_counts_the_published_reviews_and_the_hidden_apart(data, django_assert_num_queries):
    with django_assert_num_queries(1):
        stats = review_statistics(**YEAR_2025)
    assert stats.summary.count == 2
    assert stats.summary.quality == Decimal("4.00")
    assert stats.summary.punctuality == Decimal("3.50")
    assert stats.summary.attitude == Decimal("4.50")
    assert stats.summary.overall == Decimal("4.00")
    assert stats.hidden == 1


def test_one_township(data):
    stats = review_statistics(**YEAR_2025, township=data["dachuan"])
    assert stats.summary.count == 1 and stats.summary.overall == Decimal("3.33")


def test_a_date_range_in_local_dates(data):
    stats = review_statistics(date_from=D(2025, 2, 1), date_to=D(2025, 3, 31))
    assert stats.summary.count == 0 and stats.summary.overall is None
    assert review_statistics(date_from=D(2026, 1, 1), date_to=None).summary.count == 1


def test_a_year_without_reviews():
    stats = review_statistics(date_from=D(2023, 1, 1), date_to=D(2023, 12, 31))
    assert stats.summary.count == 0 and stats.hidden == 0


def test_the_complaint_report_shows_the_review_figures(data, staff_client):
    ComplaintFactory(enterprise=data["a"], received_at=at(2025, 3, 1, 9))  # 2025 is offered
    with time_machine.travel(at(2026, 1, 5, 10), tick=False):
        response = staff_client.get("/admin/complaints/complaint/report/", {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th class="num">服务评价（已采纳）</th>' in html
    assert "<caption>服务评价</caption>" in html
    cells = re.sub(r"\s+", "", html)
    for text in (
        '已采纳评价</td><tdclass="num">2条',
        '已屏蔽评价</td><tdclass="num">1条',
        '服务质量平均</td><tdclass="num">4.00分',
        '综合平均</td><tdclass="num">4.00分',
    ):
        assert text in cells, text
