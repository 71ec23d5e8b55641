"""The annual report: a small county with known figures, built by the Celery task (eagerly),
opened with openpyxl and checked sheet by sheet against hand-computed totals; progress, the
print page, and who may start, view and download it."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from complaints.models import Category
from core.audit import audited_save
from credit.models import EvaluationStandard, Indicator, Rating, SupervisionTask
from reporting import annual_workbook, services
from reporting.models import AnnualReport
from reporting.tasks import build_annual_report
from tests.factories.complaints import ComplaintFactory
from tests.factories.incentives import ResidentFactory, grade
from tests.factories.registry import (
    EnterpriseFactory,
    QualificationFactory,
    WorkerFactory,
)
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

YEAR = 2025
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SHEETS = ["总体情况", "信用等级分布", "评价结果名单", "属实投诉",
          "投诉办理", "信用惠民", "监管任务", "评价标准变更", "工作自查与总结"]  # fmt: skip


def set_status(subject, status: str, year: int = YEAR) -> Rating:
    field = "enterprise" if subject.__class__.__name__ == "Enterprise" else "worker"
    Rating.objects.filter(year=year, **{field: subject}).update(status=status)
    return Rating.objects.get(year=year, **{field: subject})


@pytest.fixture
def county():
    """Four enterprises and two workers with 2025 and 2024 ratings, six complaints, three
    spot checks and two changes to the 2025 standard (figures in the comments)."""
    e1 = EnterpriseFactory(name="甲家政服务有限公司")  # AAA final; 2024 AA final
    e2 = EnterpriseFactory(name="乙家政服务有限公司")  # B final
    e3 = EnterpriseFactory(name="丙家政服务有限公司")  # AA publicised
    e4 = EnterpriseFactory(name="丁家政服务有限公司")  # A draft: not counted, not listed
    w1 = WorkerFactory(name="扎西卓玛")  # AAA final; 2024 A final
    w2 = WorkerFactory(name="李梅")  # A final
    for subject, value in ((e1, "AAA"), (e2, "B"), (e3, "AA"), (e4, "A"), (w1, "AAA"), (w2, "A")):
        grade(subject, value)
    grade(e1, "AA", year=2024)
    grade(w1, "A", year=2024)
    set_status(e3, Rating.Status.PUBLICISED)
    set_status(e4, Rating.Status.DRAFT)
    type(e1).objects.filter(pk=e1.pk).update(completeness=100)
    QualificationFactory(enterprise=e2, valid_to=datetime.date(2024, 12, 31), validity="expired")

    # 2025: five complaints, four substantiated; 2024: one more, not counted.
    ComplaintFactory(enterprise=e1, category=Category.OVERCHARGING, substantiated=True)
    ComplaintFactory(enterprise=e2, category=Category.SUBSTANDARD, substantiated=True)
    ComplaintFactory(enterprise=e2, category=Category.SUBSTANDARD, substantiated=True)
    ComplaintFactory(enterprise=e1, category=Category.ATTITUDE, substantiated=False)
    ComplaintFactory(
        enterprise=None,
        enterprise_text="县城一家没有招牌的保洁队",
        category=Category.OTHER,
        substantiated=True,
    )
    ComplaintFactory(
        enterprise=e1,
        substantiated=True,
        received_at=datetime.datetime(2024, 10, 8, 10, tzinfo=SHANGHAI),
    )

    # Spot checks: e2's B rating (done, failed); one for w2 opened in 2025 without a rating
    # (open, overdue); one opened in 2024 (not counted).
    SupervisionTask.objects.create(
        enterprise=e2,
        rating=Rating.objects.get(enterprise=e2, year=YEAR),
        reason="2025年度评为B级",
        due_on=datetime.date(2025, 12, 10),
        status=SupervisionTask.Status.DONE,
        result=SupervisionTask.Result.FAILED,
        checked_on=datetime.date(2025, 12, 1),
        findings="收费标准仍未公示",
    )
    open_task = SupervisionTask.objects.create(
        worker=w2, reason="群众反映服务不规范", due_on=datetime.date(2025, 7, 1)
    )
    old_task = SupervisionTask.objects.create(
        worker=w2, reason="上年度抽查", due_on=datetime.date(2024, 7, 1)
    )
    SupervisionTask.objects.filter(pk=open_task.pk).update(
        created_at=datetime.datetime(2025, 6, 1, tzinfo=SHANGHAI)
    )
    SupervisionTask.objects.filter(pk=old_task.pk).update(
        created_at=datetime.datetime(2024, 6, 1, tzinfo=SHANGHAI)
    )

    ResidentFactory()  # one registered resident, no redemption
    return {"e1": e1, "e2": e2, "e3": e3, "e4": e4, "w1": w1, "w2": w2}


@pytest.fixture
def standard_changes(django_user_model):
    """An indicator added to the 2025 enterprise standard in May 2025, then reweighted."""
    editor = django_user_model.objects.create_user("xinyong", first_name="杨卓玛")
    standard = EvaluationStandard.objects.get(
        year=YEAR, subject_type="enterprise", status=EvaluationStandard.Status.ACTIVE
    )
    with time_machine.travel(datetime.datetime(2025, 5, 10, 9, tzinfo=SHANGHAI), tick=False):
        indicator = Indicator(
            standard=standard,
            dimension="quality",
            code="T9",
            name="技能培训加分",
            weight=Decimal("5.0"),
            rule=Indicator.Rule.EVENT_BONUS,
            params={},
            description="参加县级技能培训，每次加分。",
            sort_order=99,
        )
        audited_save(indicator, actor=editor)
    with time_machine.travel(datetime.datetime(2025, 5, 12, 9, tzinfo=SHANGHAI), tick=False):
        indicator.weight = Decimal("6.0")
        audited_save(indicator, actor=editor)
    return standard


def rows_of(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def by_label(rows: list[list], column: int = 0) -> dict:
    return {row[column]: row for row in rows[1:] if row and row[column] is not None}


def build(year: int = YEAR) -> AnnualReport:
    item = AnnualReport.objects.create(year=year)
    assert build_annual_report.apply(args=[item.pk]).get() is True
    item.refresh_from_db()
    return item


def test_report_sheets_headers_and_totals(county, standard_changes):
    item = build()
    assert item.status == AnnualReport.Status.DONE, item.message
    assert item.progress == 100
    assert item.rows_done == item.rows_total == 5

    with item.file.open("rb") as handle:
        workbook = load_workbook(handle, read_only=True)
        assert workbook.sheetnames == SHEETS
        sheets = {name: rows_of(workbook[name]) for name in SHEETS}
    for name in SHEETS:
        assert sheets[name][0] == annual_workbook.HEADERS[name], name

    overview = by_label(sheets["总体情况"])
    expected = {
        "登记家政企业": 4,
        "企业档案齐全": 1,
        "登记从业人员": 2,
        "从业人员档案齐全": 0,
        "企业证照已过期": 1,
        "2025年度评价结果：待审核": 1,
        "2025年度评价结果：公示中": 1,
        "2025年度评价结果：已确定": 4,
        "2025年收到投诉": 5,
        "2025年认定属实投诉": 4,
        "2025年度监管任务": 2,
        "2025年评价标准变更": 2,
    }
    assert {label: overview[label][1] for label in expected} == expected

    # Grades (publicised and final only): this year vs last year, and the differences.
    grades = by_label(sheets["信用等级分布"])
    assert grades["AAA 诚信示范"][1:] == [1, 0, 1, 1, 0, 1]
    assert grades["AA 诚信良好"][1:] == [1, 1, 0, 0, 0, 0]
    assert grades["A 诚信合格"][1:] == [0, 0, 0, 1, 1, 0]
    assert grades["B 诚信警示"][1:] == [1, 0, 1, 0, 0, 0]
    assert grades["合计"][1:] == [3, 1, 2, 2, 1, 1]

    # The list: enterprises then workers, by score; the draft is left out; ID numbers masked.
    listed = sheets["评价结果名单"][1:]
    assert [row[0] for row in listed] == [1, 2, 3, 4, 5]
    assert [(row[1], row[2], row[10]) for row in listed] == [
        ("企业", "甲家政服务有限公司", "AAA 诚信示范"),
        ("企业", "丙家政服务有限公司", "AA 诚信良好"),
        ("企业", "乙家政服务有限公司", "B 诚信警示"),
        ("从业人员", "扎西卓玛", "AAA 诚信示范"),
        ("从业人员", "李梅", "A 诚信合格"),
    ]
    assert listed[0][3] == county["e1"].uscc
    assert listed[3][3] == county["w1"].id_number_masked and "*" in listed[3][3]
    assert [row[9] for row in listed] == [93, 85, 50, 93, 70]
    assert listed[1][12] == "公示中" and listed[0][12] == "已确定"

    # Substantiated complaints of 2025 by enterprise, most first, unlinked last.
    substantiated = sheets["属实投诉"]
    categories = list(Category.labels)
    rows = {row[1]: row for row in substantiated[1:]}
    assert [row[1] for row in substantiated[1:]] == [
        "乙家政服务有限公司",
        "甲家政服务有限公司",
        "未关联企业",
        None,
    ]
    assert rows["乙家政服务有限公司"][4] == 2
    assert rows["乙家政服务有限公司"][5 + categories.index("服务不达标")] == 2
    assert rows["甲家政服务有限公司"][5 + categories.index("乱收费")] == 1
    assert rows["未关联企业"][5 + categories.index("其他")] == 1
    total_row = substantiated[-1]
    assert total_row[0] == "合计" and total_row[4] == 4 and sum(total_row[5:]) == 4

    complaints = sheets["投诉办理"][1:]
    figures = {(row[0], row[1]): row[2] for row in complaints}
    assert figures[("总体", "收到投诉（件）")] == 5
    assert figures[("总体", "认定属实（件）")] == 4
    assert sum(row[2] for row in complaints if row[0] == "按类别") == 5
    assert figures[("按类别", "服务不达标")] == 2
    assert sum(row[2] for row in complaints if row[0] == "按月份") == 5

    incentives = {(row[0], row[1]): row for row in sheets["信用惠民"][1:]}
    assert incentives[("总体", "合计")][2:] == [0, 0, 0]
    assert incentives[("总体", "登记居民（人）")][2] == 1

    supervision = sheets["监管任务"][1:]
    assert [(row[2], row[6], row[7]) for row in supervision[:-1]] == [
        ("李梅", "待检查", None),
        ("乙家政服务有限公司", "已完成", "不合格"),
    ]
    assert supervision[-1][:5] == [
        "合计",
        "2项",
        "已完成1项（合格0，不合格1）",
        "待检查1项（已超期1）",
        "已取消0项",
    ]

    changes = sheets["评价标准变更"][1:]
    assert [(row[0], row[1], row[3], row[4]) for row in changes] == [
        ("2025-05-10 09:00", "评价指标", "新增", "杨卓玛"),
        ("2025-05-12 09:00", "评价指标", "修改", "杨卓玛"),
    ]
    assert changes[0][5] == "新增：T9 技能培训加分（5.0分）"
    assert changes[1][5] == "分值：5.0 → 6.0"
    assert changes[0][2] == str(standard_changes)


def test_a_year_without_data_still_builds_every_sheet():
    item = build(2026)
    assert item.status == AnnualReport.Status.DONE
    with item.file.open("rb") as handle:
        workbook = load_workbook(handle, read_only=True)
        assert workbook.sheetnames == SHEETS
        assert rows_of(workbook["评价结果名单"]) == [annual_workbook.HEADERS["评价结果名单"]]


def test_progress_is_saved_while_the_list_is_written_and_ends_at_100(county, monkeypatch):
    monkeypatch.setattr(annual_workbook, "LIST_CHUNK", 2)
    seen = []
    update = services._update

    def recording(report_id, **values):
        if "progress" in values:
            seen.append((values["progress"], values.get("rows_done")))
        update(report_id, **values)

    monkeypatch.setattr(services, "_update", recording)
    item = build()
    progress = [p for p, _ in seen]
    assert progress == sorted(progress)
    assert progress[-1] == 100
    # After 2 and 4 of 5 rows, then all 5.
    assert [rows for _, rows in seen if rows is not None][:3] == [2, 4, 5]
    assert item.rows_done == 5


def test_a_report_is_built_once_however_often_the_task_runs(county):
    item = build()
    name = item.file.name
    assert build_annual_report.apply(args=[item.pk]).get() is True
    item.refresh_from_db()
    assert item.file.name == name and item.status == AnnualReport.Status.DONE
    assert build_annual_report.apply(args=[987654]).get() is False


def test_starting_twice_reuses_the_running_build(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.annual_report_start(actor=None, year=YEAR)
        second = services.annual_report_start(actor=None, year=YEAR)
    assert first.pk == second.pk
    assert len(callbacks) == 1


def test_a_failed_build_says_so(county, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "annual_report_figures", broken)
    item = build()
    assert item.status == AnnualReport.Status.FAILED
    assert "系统错误" in item.message


def user_with(django_user_model, username: str, role: str):
    roles.roles_sync()
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_credit_officer_starts_a_report_and_downloads_it(
    client, django_user_model, county, django_capture_on_commit_callbacks
):
    client.force_login(user_with(django_user_model, "xinyong", roles.CREDIT_OFFICER))
    changelist = client.get(reverse("admin:reporting_annualreport_changelist"))
    assert reverse("admin:reporting_annualreport_start") in changelist.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:reporting_annualreport_start"), {"year": YEAR})
    item = AnnualReport.objects.get()
    assert response.url == reverse("admin:reporting_annualreport_progress", args=[item.pk])
    page = client.get(response.url).content.decode()
    assert "已完成" in page and 'http-equiv="refresh"' not in page
    download = reverse("admin:reporting_annualreport_download", args=[item.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_a_running_report_refreshes_its_progress_page(admin_client):
    item = AnnualReport.objects.create(year=YEAR, status=AnnualReport.Status.RUNNING, progress=40)
    page = admin_client.get(
        reverse("admin:reporting_annualreport_progress", args=[item.pk])
    ).content.decode()
    assert 'http-equiv="refresh"' in page
    assert '<progress max="100" value="40"' in page


def test_leader_views_and_downloads_but_cannot_start_or_change_anything(
    client, django_user_model, county
):
    item = build()
    client.force_login(user_with(django_user_model, "lingdao", roles.LEADER))

    changelist = client.get(reverse("admin:reporting_annualreport_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:reporting_annualreport_start") not in changelist.content.decode()
    progress = reverse("admin:reporting_annualreport_progress", args=[item.pk])
    assert client.get(progress).status_code == 200
    download = reverse("admin:reporting_annualreport_download", args=[item.pk])
    assert client.get(download).status_code == 200
    print_page = reverse("admin:reporting_annualreport_print", args=[YEAR])
    assert client.get(print_page).status_code == 200

    start = reverse("admin:reporting_annualreport_start")
    assert client.get(start).status_code == 403
    assert client.post(start, {"year": YEAR}).status_code == 403
    assert AnnualReport.objects.count() == 1
    change = reverse("admin:reporting_annualreport_change", args=[item.pk])
    assert client.post(change, {"year": 2024}).status_code == 403
    delete = reverse("admin:reporting_annualreport_delete", args=[item.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AnnualReport.objects.filter(pk=item.pk, year=YEAR).exists()

    leader = Group.objects.get(name=roles.LEADER)
    granted = set(
        leader.permissions.filter(
            content_type__app_label__in=("reporting", "articles")
        ).values_list("codename", flat=True)
    )
    assert {"view_annualreport", "view_article"} <= granted
    assert all(code.startswith("view_") for code in granted)


def test_complaint_officer_has_no_access_to_the_report(client, django_user_model, county):
    item = build()
    client.force_login(user_with(django_user_model, "tousu", roles.COMPLAINT_OFFICER))
    download = reverse("admin:reporting_annualreport_download", args=[item.pk])
    assert client.get(download).status_code == 403


def test_print_page_shows_the_figures_without_the_list(admin_client, county, standard_changes):
    html = admin_client.get(
        reverse("admin:reporting_annualreport_print", args=[YEAR])
    ).content.decode()
    for text in ("2025年度工作总结报表", "信用等级分布", "乙家政服务有限公司", "技能培训加分"):
        assert text in html
    assert "已公示和已确定的评价结果共 <strong>5</strong> 个" in html
    assert "扎西卓玛" not in html  # the list of rated subjects is only in the workbook
