"""The credit file and the ratings appear in the dossier through registry's extension point."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credit.models import EvaluationStandard, Rating
from registry.dossier import ENTERPRISE, WORKER, registered_keys
from tests.factories.credit import CreditEventFactory
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(NOW):
        yield


def rate(subject, *, year, grade, total, status, explanation=(), **extra) -> Rating:
    kind = "worker" if hasattr(subject, "id_number_masked") else "enterprise"
    total = Decimal(total)
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
        explanation=list(explanation),
        computed_at=NOW,
        **extra,
    )


def dossier(client, kind, subject, printable=False) -> str:
    name = f"admin:registry_{kind}_dossier" + ("_print" if printable else "")
    response = client.get(reverse(name, args=[subject.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, key: str) -> str:
    start = html.index(f'id="section-{key}"')
    end = html.find('<section class="dossier-section"', start)
    return html[start : end if end != -1 else None]


def test_credit_registers_its_sections_for_both_kinds_of_subject():
    for kind in (ENTERPRISE, WORKER):
        keys = registered_keys(kind)
        assert "credit_file" in keys and "ratings" in keys


def test_enterprise_dossier_shows_the_credit_file_and_the_ratings(client, admin_user):
    enterprise = EnterpriseFactory()
    CreditEventFactory(
        enterprise=enterprise, kind="penalty", severity="serious", title="无证经营被处罚",
        occurred_on=datetime.date(2025, 3, 2), disclosure_until=datetime.date(2028, 3, 1),
    )  # fmt: skip
    CreditEventFactory(
        enterprise=enterprise, kind="award", severity="minor", title="县级巾帼家政示范",
        occurred_on=datetime.date(2025, 5, 8), disclosure_until=datetime.date(2025, 8, 6),
    )  # fmt: skip
    CreditEventFactory(
        enterprise=enterprise, kind="complaint", title="保洁不到位", status="revoked",
        status_reason="复查不属实", occurred_on=datetime.date(2025, 7, 1),
    )  # fmt: skip
    CreditEventFactory(enterprise=EnterpriseFactory(), title="别家的记录")
    rate(enterprise, year=2024, grade="AA", total="84.5", status="final")
    rate(
        enterprise, year=2025, grade="A", total="76.5", status="draft",
        explanation=[["E-Q2", "人均12.0学时（目标24）", "5.0"]],
    )  # fmt: skip
    client.force_login(admin_user)
    html = dossier(client, "enterprise", enterprise)

    credit_file = section(html, "credit_file")
    assert "信用记录" in credit_file
    rows = credit_file.split("<tr>")[2:]
    assert len(rows) == 3 and "别家的记录" not in credit_file
    # Newest first, each with kind, date, severity, status and disclosure end.
    assert "2025-07-01" in rows[0] and "投诉属实" in rows[0] and "已撤销：复查不属实" in rows[0]
    assert "不计分" in rows[0]
    assert "2025-05-08" in rows[1] and "表彰奖励" in rows[1] and "轻微" in rows[1]
    assert "2025-08-06" in rows[1] and "不计分" in rows[1]  # disclosure over
    assert "2025-03-02" in rows[2] and "行政处罚" in rows[2] and "严重" in rows[2]
    assert "有效" in rows[2] and "2028-03-01" in rows[2] and ">计分<" in rows[2]

    ratings = section(html, "ratings")
    assert ratings.index("2025年度") < ratings.index("2024年度")
    assert "A 诚信合格" in ratings and "76.5" in ratings and "待审核" in ratings
    assert "AA 诚信良好" in ratings and "84.5" in ratings and "已确定" in ratings
    # The latest rating is explained.
    assert "E-Q2 从业人员培训" in ratings and "人均12.0学时（目标24）" in ratings
    assert "距AA还差3.5分" in ratings
    # Sections come after the registry's own.
    assert html.index('id="section-staff"') < html.index('id="section-credit_file"')
    assert html.index('id="section-credit_file"') < html.index('id="section-ratings"')

    printable = dossier(client, "enterprise", enterprise, printable=True)
    assert "无证经营被处罚" in printable and "距AA还差3.5分" in printable


def test_worker_dossier_shows_the_credit_file_and_a_vetoed_rating(client, admin_user):
    worker = WorkerFactory()
    EmploymentFactory(worker=worker)
    CreditEventFactory(worker=worker, kind="complaint", tag="人身安全", severity="serious",
                       title="服务中推搡老人")  # fmt: skip
    rate(
        worker, year=2025, grade="B", total="88.0", status="publicised", vetoed=True,
        veto_reason="存在涉及人身安全的属实投诉", publicity_ends_on=datetime.date(2025, 12, 5),
    )  # fmt: skip
    client.force_login(admin_user)
    html = dossier(client, "worker", worker)
    assert "服务中推搡老人" in section(html, "credit_file")
    assert "投诉属实" in section(html, "credit_file") and "（人身安全）" in html
    ratings = section(html, "ratings")
    assert "B 诚信警示" in ratings and "一票否决" in ratings and "公示中（至2025-12-05）" in ratings
    assert "存在涉及人身安全的属实投诉" in ratings and "信用等级保持为B" in ratings


def test_subjects_without_credit_data_say_so(client, admin_user):
    enterprise = EnterpriseFactory()
    client.force_login(admin_user)
    html = dossier(client, "enterprise", enterprise)
    assert "暂无信用记录" in section(html, "credit_file")
    assert "尚未进行信用评价" in section(html, "ratings")


def test_staff_without_credit_permissions_do_not_see_the_sections(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-Test-123", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="registry", codename="view_enterprise")
    )
    enterprise = EnterpriseFactory()
    CreditEventFactory(enterprise=enterprise, title="不该看到的记录")
    client.force_login(user)
    html = dossier(client, "enterprise", enterprise)
    assert 'id="section-profile"' in html
    assert 'id="section-credit_file"' not in html and 'id="section-ratings"' not in html
    assert "不该看到的记录" not in html


def test_credit_sections_cost_a_fixed_number_of_queries(client, admin_user):
    enterprise = EnterpriseFactory()
    client.force_login(admin_user)
    url = reverse("admin:registry_enterprise_dossier", args=[enterprise.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    CreditEventFactory(enterprise=enterprise)
    rate(enterprise, year=2024, grade="AA", total="84.5", status="final")
    few = count()
    for day in range(1, 15):
        CreditEventFactory(enterprise=enterprise, occurred_on=datetime.date(2025, 2, day))
    rate(enterprise, year=2025, grade="A", total="76.5", status="final")
    assert count() == few


def test_the_credit_file_lists_the_latest_hundred_records(client, admin_user):
    enterprise = EnterpriseFactory()
    for n in range(101):
        CreditEventFactory(
            enterprise=enterprise, occurred_on=datetime.date(2025, 1, 1) + datetime.timedelta(n)
        )
    client.force_login(admin_user)
    credit_file = section(dossier(client, "enterprise", enterprise), "credit_file")
    assert credit_file.count("<tr>") == 101  # the header and 100 records
    assert "2025-01-01" not in credit_file and "2025-04-11" in credit_file
    assert "仅列出最近100条信用记录" in credit_file
