"""Complaint statistics against figures worked out by hand on a small known data set.

The data set has time-zone traps: a complaint received at 00:30 on 1 February in Zhouqu is
still 31 January in UTC, a mediation that ended at 01:00 local time past its due date is
still "on the due date" in UTC, and a complaint received ten minutes into 2026 local time
belongs to 2026.
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission

from complaints.models import Category, DeadlineState, Status
from complaints.statistics import OTHERS_LABEL, UNLINKED_LABEL, complaint_statistics
from registry.models import Township
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EnterpriseFactory, township

pytestmark = pytest.mark.django_db

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 1, 5, 10, tzinfo=SH)
D = datetime.date


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture(autouse=True)
def _january_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def data():
    chengguan = township()
    dachuan, _ = Township.objects.get_or_create(
        name="大川镇", defaults={"kind": Township.Kind.TOWN, "sort_order": 2}
    )
    a = EnterpriseFactory(name="甲家政", township=chengguan)
    b = EnterpriseFactory(name="乙家政", township=dachuan)
    # c1: January, everything on time, closed, substantiated, 5 stars.
    ComplaintFactory(
        enterprise=a,
        township=chengguan,
        received_at=at(2025, 1, 31, 23, 30),
        category=Category.SUBSTANDARD,
        status=Status.CLOSED,
        deadline_state=DeadlineState.DONE,
        acceptance_due=D(2025, 2, 10),
        decided_at=at(2025, 2, 5, 10),
        mediation_due=D(2025, 2, 20),
        mediation_ended_at=at(2025, 2, 20, 23),
        notification_due=D(2025, 2, 28),
        closed_at=at(2025, 2, 25, 10),
        substantiated=True,
        satisfaction=5,
    )
    # c2: February locally (31 January in UTC); decided late; mediation ended one hour
    # into the day after its due date (on the due date in UTC): late; open and overdue.
    ComplaintFactory(
        enterprise=a,
        township=chengguan,
        received_at=at(2025, 2, 1, 0, 30),
        category=Category.OVERCHARGING,
        status=Status.MEDIATION_FAILED,
        deadline_state=DeadlineState.OVERDUE,
        acceptance_due=D(2025, 2, 11),
        decided_at=at(2025, 2, 12, 9),
        mediation_due=D(2025, 2, 20),
        mediation_ended_at=at(2025, 2, 21, 1),
        notification_due=D(2025, 2, 28),
    )
    # c3: March, 大川镇, not yet decided and overdue.
    ComplaintFactory(
        enterprise=b,
        township=dachuan,
        received_at=at(2025, 3, 10, 10),
        category=Category.SUBSTANDARD,
        status=Status.SUBMITTED,
        deadline_state=DeadlineState.OVERDUE,
        acceptance_due=D(2025, 3, 19),
    )
    # c4: March, no registered enterprise, not accepted and closed on time, 2 stars.
    ComplaintFactory(
        enterprise=None,
        enterprise_text="路边小广告家政",
        township=chengguan,
        received_at=at(2025, 3, 15, 9),
        category=Category.OTHER,
        status=Status.CLOSED,
        deadline_state=DeadlineState.DONE,
        acceptance_due=D(2025, 3, 24),
        decided_at=at(2025, 3, 18, 9),
        notification_due=D(2025, 3, 25),
        closed_at=at(2025, 3, 20, 9),
        satisfaction=2,
    )
    # c5: the last minute of 2025 locally; accepted on time, mediation running.
    ComplaintFactory(
        enterprise=b,
        township=chengguan,
        received_at=at(2025, 12, 31, 23, 59),
        category=Category.ATTITUDE,
        status=Status.ACCEPTED,
        deadline_state=DeadlineState.DUE_SOON,
        acceptance_due=D(2026, 1, 9),
        decided_at=at(2025, 12, 31, 23, 59, 30),
        mediation_due=D(2026, 2, 1),
    )
    # c8: May; decided on time, mediation and closing late; closed with a stale "overdue".
    ComplaintFactory(
        enterprise=a,
        township=chengguan,
        received_at=at(2025, 5, 5, 9),
        category=Category.SUBSTANDARD,
        status=Status.CLOSED,
        deadline_state=DeadlineState.OVERDUE,
        acceptance_due=D(2025, 5, 14),
        decided_at=at(2025, 5, 6, 9),
        mediation_due=D(2025, 5, 30),
        mediation_ended_at=at(2025, 6, 1, 9),
        notification_due=D(2025, 6, 10),
        closed_at=at(2025, 6, 20, 9),
        substantiated=True,
        satisfaction=4,
    )
    # Outside 2025 by local date: ten minutes into 2026, and 23:00 on New Year's Eve 2024.
    ComplaintFactory(enterprise=a, township=chengguan, received_at=at(2026, 1, 1, 0, 10))
    ComplaintFactory(enterprise=a, township=chengguan, received_at=at(2024, 12, 31, 23))

    return {"a": a, "b": b, "chengguan": chengguan, "dachuan": dachuan}


def counts(rows) -> dict:
    return {row.label: row.count for row in rows}


def test_the_year_2025_figure_by_figure(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        stats = complaint_statistics(year=2025)

    assert (stats.date_from, stats.date_to) == (D(2025, 1, 1), D(2025, 12, 31))
    assert stats.total == 6
    assert counts(stats.by_category) == {
        "虚假宣传": 0,
        "乱收费": 1,
        "服务不达标": 3,
        "财物损失": 0,
        "人身安全": 0,
        "服务态度": 1,
        "其他": 1,
    }
    assert [row.key for row in stats.by_category] == list(Category.values)
    assert [(r.key, r.label, r.count) for r in stats.by_enterprise] == [
        (data["a"].pk, "甲家政", 3),
        (data["b"].pk, "乙家政", 2),
        (None, UNLINKED_LABEL, 1),
    ]
    townships = counts(stats.by_township)
    assert townships["城关镇"] == 5 and townships["大川镇"] == 1
    assert sum(townships.values()) == 6
    assert len(stats.by_township) == Township.objects.count()  # zero-filled
    assert [(m.month, m.count) for m in stats.by_month] == [
        (D(2025, 1, 1), 1),
        (D(2025, 2, 1), 1),
        (D(2025, 3, 1), 2),
        (D(2025, 4, 1), 0),
        (D(2025, 5, 1), 1),
        (D(2025, 6, 1), 0),
        (D(2025, 7, 1), 0),
        (D(2025, 8, 1), 0),
        (D(2025, 9, 1), 0),
        (D(2025, 10, 1), 0),
        (D(2025, 11, 1), 0),
        (D(2025, 12, 1), 1),
    ]
    assert stats.by_month[0].label == "2025年1月"
    assert counts(stats.by_status) == {
        "已提交，待受理": 1,
        "已受理": 1,
        "不予受理": 0,
        "调解中": 0,
        "调解成功": 0,
        "调解终止（未达成协议）": 1,
        "调查核实中": 0,
        "已办结": 3,
        "已转办": 0,
    }
    assert stats.substantiated == 2
    assert stats.substantiated_percent == Decimal("33.3")

    assert (stats.acceptance.measured, stats.acceptance.on_time) == (5, 4)
    assert stats.acceptance.percent == Decimal("80.0")
    assert (stats.mediation.measured, stats.mediation.on_time, stats.mediation.late) == (3, 1, 2)
    assert stats.mediation.percent == Decimal("33.3")
    assert (stats.notification.measured, stats.notification.on_time) == (3, 2)
    assert stats.notification.percent == Decimal("66.7")
    assert stats.overdue_open == 2

    assert stats.satisfaction_average == Decimal("3.67")
    assert stats.satisfaction_count == 3
    assert [(r.key, r.count) for r in stats.satisfaction_distribution] == [
        (1, 0),
        (2, 1),
        (3, 0),
        (4, 1),
        (5, 1),
    ]


def test_top_enterprises_groups_the_rest(data):
    stats = complaint_statistics(year=2025, top_enterprises=1)
    assert [(r.label, r.count) for r in stats.by_enterprise] == [
        ("甲家政", 3),
        (OTHERS_LABEL, 2),
        (UNLINKED_LABEL, 1),
    ]


def test_one_township(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        stats = complaint_statistics(year=2025, township=data["dachuan"])
    assert stats.total == 1
    assert [(r.label, r.count) for r in stats.by_township] == [("大川镇", 1)]
    assert [(r.label, r.count) for r in stats.by_enterprise] == [("乙家政", 1)]
    assert [m.count for m in stats.by_month] == [0, 0, 1] + [0] * 9
    assert stats.overdue_open == 1
    assert stats.acceptance.measured == 0 and stats.acceptance.percent is None


def test_a_date_range_in_local_dates(data):
    stats = complaint_statistics(date_from=D(2025, 2, 1), date_to=D(2025, 3, 31))
    assert stats.total == 3  # c2 (00:30 on 1 February locally), c3, c4
    assert [(m.month, m.count) for m in stats.by_month] == [(D(2025, 2, 1), 1), (D(2025, 3, 1), 2)]


def test_all_time_spans_the_months_with_complaints(data):
    stats = complaint_statistics()
    assert stats.total == 8
    assert stats.by_month[0].month == D(2024, 12, 1)
    assert stats.by_month[-1].month == D(2026, 1, 1)
    assert len(stats.by_month) == 14
    assert sum(m.count for m in stats.by_month) == 8


def test_a_year_without_complaints_measures_nothing():
    stats = complaint_statistics(year=2023)
    assert stats.total == 0
    assert stats.by_enterprise == []
    assert [m.count for m in stats.by_month] == [0] * 12
    assert all(share.percent is None for share in stats.deadline_shares)
    assert stats.substantiated_percent is None
    assert stats.satisfaction_average is None and stats.satisfaction_count == 0


# --- The admin report ------------------------------------------------------------------------

REPORT = "/admin/complaints/complaint/report/"


def test_the_report_shows_the_figures(data, staff_client):
    response = staff_client.get(REPORT, {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025年投诉统计" in html
    assert response.context["stats"].total == 6
    for text in (
        "按期办理情况",
        "80.0%",
        "33.3%",
        "66.7%",
        "甲家政",
        UNLINKED_LABEL,
        "大川镇",
        "2025年12月",
        "3.67星",
        "服务不达标",
        "@media print",
    ):
        assert text in html, text


def test_the_report_filters_by_township_and_ignores_a_bad_year(data, staff_client):
    response = staff_client.get(REPORT, {"year": "2025", "township": data["dachuan"].pk})
    assert response.context["stats"].total == 1
    assert "2025年投诉统计（大川镇）" in response.content.decode()
    response = staff_client.get(REPORT, {"year": "1999"})
    assert response.status_code == 200
    assert response.context["year"] == 2026


def test_the_report_needs_permission_to_view_complaints(client, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="pw-Test-123", is_staff=True)
    client.force_login(user)
    assert client.get(REPORT).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(REPORT).status_code == 200
