"""The dashboard on the admin index: every figure against hand-computed values on a known
data set, the links behind them, the query bound, and who sees which part."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group

from complaints.models import Status as ComplaintStatus
from core import inbox
from credit.models import EvaluationStandard, SupervisionTask
from incentives.models import Redemption, RedemptionItem
from reporting.dashboard import dashboard_figures
from tests.factories.complaints import ComplaintFactory
from tests.factories.credit_workflows import RatingFactory
from tests.factories.incentives import ResidentFactory, default_catalogue
from tests.factories.registry import (
    EnterpriseFactory,
    HealthCertificateFactory,
    QualificationFactory,
    ServiceCategoryFactory,
    WorkerFactory,
    township,
)
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
TODAY = datetime.date(2025, 11, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def county():
    """3 enterprises (2 complete dossiers), 2 workers (1 complete); 1 licence expiring and
    2 expired, 1 health certificate expired; ratings of 2025 and 2024; 3 complaints in 2025
    and 1 in 2024; one overdue supervision task; two residents' redemptions."""
    from registry.models import Enterprise, EnterpriseQualification, HealthCertificate, Worker

    town = township()
    e1, e2, e3 = (EnterpriseFactory(name=f"企业{n}", township=town) for n in (1, 2, 3))
    w1, _w2 = WorkerFactory(), WorkerFactory()
    for q_validity in ("expiring", "expired", "expired", "valid"):
        q = QualificationFactory(enterprise=e1)
        EnterpriseQualification.objects.filter(pk=q.pk).update(validity=q_validity)
    h = HealthCertificateFactory(worker=w1)
    HealthCertificate.objects.filter(pk=h.pk).update(validity="expired")
    Enterprise.objects.update(completeness=60)
    Enterprise.objects.filter(pk__in=[e1.pk, e2.pk]).update(completeness=100)
    Worker.objects.update(completeness=50)
    Worker.objects.filter(pk=w1.pk).update(completeness=100)

    standard = EvaluationStandard.objects.get(year=2025, subject_type="enterprise")
    worker_standard = EvaluationStandard.objects.get(year=2025, subject_type="worker")
    r1 = RatingFactory(enterprise=e1, grade="AAA", status="final")
    RatingFactory(enterprise=e2, grade="AA", status="publicised")
    r3 = RatingFactory(enterprise=e3, grade="B", status="draft")
    RatingFactory(enterprise=None, worker=w1, grade="A", status="final", standard=worker_standard)
    RatingFactory(enterprise=e1, year=2024, grade="AA", status="final", standard=standard)
    RatingFactory(enterprise=e2, year=2024, grade="B", status="final", standard=standard)
    SupervisionTask.objects.create(
        rating=r3, enterprise=e3, reason="B级", due_on=datetime.date(2025, 11, 1)
    )
    SupervisionTask.objects.create(
        rating=r1,
        enterprise=e1,
        reason="抽查",
        due_on=datetime.date(2025, 9, 1),
        status="done",
        result="passed",
    )

    at = datetime.datetime
    ComplaintFactory(
        enterprise=e1, received_at=at(2025, 3, 5, 9, tzinfo=SHANGHAI), category="overcharging"
    )
    ComplaintFactory(
        enterprise=e1,
        received_at=at(2025, 3, 20, 9, tzinfo=SHANGHAI),
        category="attitude",
        status=ComplaintStatus.CLOSED,
        substantiated=True,
        decided_at=at(2025, 3, 24, 9, tzinfo=SHANGHAI),
        closed_at=at(2025, 4, 10, 9, tzinfo=SHANGHAI),
        satisfaction=4,
    )
    ComplaintFactory(
        enterprise=e2, received_at=at(2025, 10, 30, 9, tzinfo=SHANGHAI), category="overcharging"
    )  # acceptance due 2025-11-10: overdue
    ComplaintFactory(enterprise=e2, received_at=at(2024, 6, 1, 9, tzinfo=SHANGHAI))
    from complaints.services import complaints_check_deadlines

    complaints_check_deadlines()

    measures, _ = default_catalogue()
    category = ServiceCategoryFactory(name="保洁（看板测试）")
    alice, bob = ResidentFactory(township=town), ResidentFactory(township=town)
    ResidentFactory(township=town)
    for resident, discount, day in ((alice, 10, 3), (alice, 15, 5), (bob, 20, 7)):
        redemption = Redemption.objects.create(
            resident=resident,
            enterprise=e1,
            category=category,
            served_on=datetime.date(2025, 11, day),
            order_amount=Decimal(100),
            discount_percent=discount,
            discount_amount=Decimal(discount),
            paid_amount=Decimal(100 - discount),
        )
        RedemptionItem.objects.create(
            redemption=redemption,
            measure=measures["resident-discount"],
            discount_percent=discount,
            discount_amount=Decimal(discount),
        )
    return {"e1": e1, "e2": e2, "e3": e3}


def values(figures) -> dict:
    return {f.label: f.value for f in figures}


def test_every_figure_against_hand_computed_values(county, django_assert_max_num_queries):
    # Each section a fixed number: bookings 3, review targets (绿色通道) 3, ...
    with django_assert_max_num_queries(36):
        d = dashboard_figures(year=2025)
    assert values(d.registers) == {
        "登记家政企业": 3,
        "企业档案齐全": 2,
        "登记从业人员": 2,
        "从业人员档案齐全": 1,
    }
    assert d.registers[1].note == "占66.7%"
    assert values(d.documents) == {
        "企业证照即将到期": 1,
        "企业证照已过期": 2,
        "健康证即将到期": 0,
        "健康证已过期": 1,
    }
    grades = {
        row.grade: (row.enterprises, row.workers, row.enterprises_previous, row.workers_previous)
        for row in d.grades
    }
    # Drafts are not in the distribution; they are counted apart.
    assert grades == {"AAA": (1, 0, 0, 0), "AA": (1, 0, 1, 0), "A": (0, 1, 0, 0), "B": (0, 0, 1, 0)}
    assert (d.ratings_draft, d.ratings_publicised, d.ratings_final) == (1, 1, 2)
    complaints = values(d.complaint_figures)
    assert complaints["收到投诉"] == 3
    assert complaints["认定属实"] == 1
    assert complaints["7个工作日内作出受理决定"] == "100.0%"  # 1 decided, on time
    assert complaints["当前超期未办"] == 2  # both cases still awaiting acceptance
    assert complaints["满意度（5分制）"] == Decimal("4.0")
    assert [m.count for m in d.complaints.by_month][2:4] == [2, 0]
    assert (d.coverage.residents_benefited, d.coverage.redemptions) == (2, 3)
    assert d.coverage.discount == Decimal(45)
    assert d.coverage.residents_registered == 3
    assert values(d.supervision) == {
        "B级主体监管任务待检查": 1,
        "其中已超期": 1,
        "2025年度已完成检查": 1,
    }
    phases = {p.name: p for p in d.phases}
    assert phases["总结提升"].current and not phases["全面推进"].current
    assert phases["全面推进"].finished and phases["动员部署"].finished
    milestones = {m.label: m.done for p in d.phases for m in p.milestones}
    assert milestones["企业档案齐全率达到90%"] is False  # 66 %
    assert milestones["评价结果公示"] is True
    assert milestones["完成年度信用评价"] is False  # no run finished
    assert milestones["年度总结报告"] is False


def test_the_admin_index_shows_the_dashboard_with_links(county, admin_client):
    html = admin_client.get("/admin/?year=2025").content.decode()
    assert "2025年工作进度" in html and "信用等级分布" in html and "信用惠民覆盖面" in html
    assert 'href="/admin/registry/enterprise/?completeness=full"' in html
    assert 'href="/admin/credit/rating/?year=2025&amp;grade=AAA"' in html
    assert 'href="/admin/complaints/complaint/?deadline=overdue"' in html
    assert "预约派单与免费咨询" in html and "响应时间中位数" in html
    assert html.count('<svg class="chart" role="img"') == 4
    assert 'href="/admin/reporting/annualreport/"' in html
    assert "<script" not in html.split('id="dashboard"')[1].split("</div>")[0]
    # Every linked list opens.
    for url in (
        "/admin/registry/enterprise/?completeness=full",
        "/admin/credit/rating/?year=2025&grade=AAA",
        "/admin/complaints/complaint/?deadline=overdue",
        "/admin/registry/healthcertificate/?validity=expired",
        "/admin/credit/supervisiontask/?status=open&deadline=overdue",
        "/admin/incentives/bookingrequest/?status__exact=open",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_the_dashboard_page_has_a_bounded_number_of_queries(
    county, admin_client, django_assert_max_num_queries
):
    # The figures, and the inbox, one query per row.
    with django_assert_max_num_queries(38 + len(inbox.INBOX_SOURCES.entries())):
        admin_client.get("/admin/?year=2025")
    # The figures are cached for five minutes; the inbox is live, one query per row.
    with django_assert_max_num_queries(8 + len(inbox.INBOX_SOURCES.entries())):
        admin_client.get("/admin/?year=2025")


def test_the_complaint_officer_sees_the_complaints_part_not_incentives(
    county, client, django_user_model
):
    user = django_user_model.objects.create_user(username="t", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.COMPLAINT_OFFICER))
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert "投诉办理" in html and "信用惠民覆盖面" not in html


def test_the_leader_sees_everything_and_can_change_nothing(county, client, django_user_model):
    user = django_user_model.objects.create_user(username="l", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.LEADER))
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    for part in ("档案", "信用等级分布", "投诉办理", "信用惠民覆盖面"):
        assert part in html
    enterprise = county["e1"]
    for url in (
        f"/admin/registry/enterprise/{enterprise.pk}/change/",
        "/admin/registry/enterprise/add/",
        "/admin/credit/creditevent/add/",
    ):
        response = client.post(url, {"name": "改名"})
        assert response.status_code == 403, url
    enterprise.refresh_from_db()
    assert enterprise.name == "企业1"
