"""The year's work plan: seeded from the county plan, shown on the home page and the
dashboard (a past year as finished), and kept by staff in the admin; 领导 only reads it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from programme.models import ChecklistItem, PlanPhase, PlanTask, WorkPlan
from programme.plan_text import PLAN_PHASES
from programme.selectors import task_progress, year_plan
from programme.services import task_save, work_plan_seed
from registry.models import Township
from reporting.dashboard import dashboard_figures
from tests.factories.registry import EnterpriseFactory, township
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db


def travel(day: str):
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


def test_the_seed_writes_the_county_plan_once():
    township()
    plan = work_plan_seed(2030)
    names = list(
        plan.phases.order_by("first_month").values_list("name", "first_month", "last_month")
    )
    assert names == [("动员部署", 1, 3), ("全面推进", 4, 10), ("总结提升", 11, 12)]
    tasks = PlanTask.objects.filter(phase__plan=plan)
    survey = tasks.filter(title="摸排家政企业和从业人员底数")
    assert survey.count() == Township.objects.count() and survey.filter(township=None).count() == 0
    assert tasks.filter(township=None).count() == sum(len(p.tasks) for p in PLAN_PHASES) - 1
    assert tasks.get(title="完成年度信用评价").due_on == datetime.date(2030, 9, 30)
    assert ChecklistItem.objects.filter(phase__plan=plan).count() == sum(
        len(p.checklist) for p in PLAN_PHASES
    )
    # Seeding again changes nothing, even after staff edited the plan.
    PlanPhase.objects.filter(plan=plan, name="总结提升").update(work="改过的工作")
    count = tasks.count()
    assert work_plan_seed(2030).pk == plan.pk
    assert tasks.count() == count
    assert PlanPhase.objects.get(plan=plan, name="总结提升").work == "改过的工作"


@pytest.mark.parametrize(
    ("today", "states"),
    [
        ("2030-02-14", ["current", "coming", "coming"]),
        ("2030-06-01", ["done", "current", "coming"]),
        ("2030-12-31", ["done", "done", "current"]),
        ("2031-01-02", ["done", "done", "done"]),  # a past year is finished
    ],
)
def test_where_each_phase_stands(today, states):
    work_plan_seed(2030)
    day = datetime.date.fromisoformat(today)
    plan = year_plan(day, 2030)
    assert [p.state for p in plan.phases] == states
    assert plan.finished == (day.year > 2030)


def test_a_past_years_dashboard_shows_the_year_finished(client, admin_user):
    work_plan_seed(2030)
    with travel("2031-03-01"):
        client.force_login(admin_user)
        figures = dashboard_figures(year=2030)
        html = client.get("/admin/?year=2030").content.decode()
    assert all(phase.finished and not phase.current for phase in figures.phases)
    assert "当前阶段" not in html.split("2030年工作进度")[1].split("</section>")[0]
    assert "2030年度工作已结束" in html
    # The plan's own milestone tasks join the milestones the figures decide.
    mobilisation = {m.label: m for m in figures.phases[0].milestones}
    assert "建立企业和从业人员档案" in mobilisation
    assert mobilisation["召开动员部署会，明确专人负责"].detail == "未开始，1月31日到期"
    # This year's dashboard marks the phase of today.
    with travel("2031-03-01"):
        this_year = dashboard_figures(year=2031)
    assert [p.name for p in this_year.phases if p.current] == ["动员部署"]


def test_the_home_page_reads_the_years_phases_from_the_plan(client):
    plan = work_plan_seed(2030)
    PlanPhase.objects.filter(plan=plan, name="全面推进").update(work="建档、评价和激励全面铺开")
    with travel("2030-05-01"):
        html = client.get(reverse("home")).content.decode()
    assert "全面推进（当前阶段）" in html and "建档、评价和激励全面铺开" in html
    assert "动员部署（已结束）" in html


def test_progress_by_phase_owner_and_township_lists_overdue_first(staff):
    officer = staff("owner1")
    town = township()
    plan = work_plan_seed(2030)
    tasks = list(PlanTask.objects.filter(phase__plan=plan).order_by("due_on", "pk"))
    late, done, later = tasks[0], tasks[1], tasks[-1]
    for task in (late, done, later):
        task.owner = officer
    done.status = PlanTask.Status.DONE
    for task in (late, done, later):
        task_save(actor=officer, task=task, today=datetime.date(2030, 2, 1))
    progress = task_progress(2030, datetime.date(2030, 4, 15))
    assert progress.tasks[0].pk == late.pk and progress.tasks[0].overdue
    owner = next(row for row in progress.by_owner if row.label == "owner1")
    assert (owner.total, owner.done, owner.overdue) == (3, 1, 1)
    by_township = {row.label: row for row in progress.by_township}
    assert town.name in by_township and "全县" in by_township
    phase = next(row for row in progress.by_phase if row.label == "动员部署")
    assert phase.done == 1 and phase.overdue >= 1
    done.refresh_from_db()
    assert done.finished_on == datetime.date(2030, 2, 1)


def test_the_dashboard_shows_tasks_and_the_survey_by_township(client, admin_user):
    EnterpriseFactory(township=township())
    work_plan_seed(2030)
    with travel("2030-05-01"):
        client.force_login(admin_user)
        html = client.get("/admin/?year=2030").content.decode()
    assert "2030年度工作任务" in html and "按责任人" in html and "按乡镇" in html
    assert "摸排进度（按乡镇）" in html
    assert "超期未完成" in html  # the mobilisation tasks were due by March


def test_staff_generate_this_years_plan_in_the_admin(client, admin_user):
    with travel("2030-01-05"):
        client.force_login(admin_user)
        page = client.get(reverse("admin:programme_workplan_changelist"))
        assert "按实施方案生成2030年度计划" in page.content.decode()
        response = client.post(reverse("admin:programme_workplan_generate"))
    plan = WorkPlan.objects.get(year=2030)
    assert response.url == reverse("admin:programme_workplan_change", args=[plan.pk])
    assert plan.history.first().history_user is not None


def test_the_leader_reads_the_plan_and_changes_nothing(client, staff):
    leader = staff("leader", roles.LEADER)
    plan = work_plan_seed(2030)
    task = PlanTask.objects.filter(phase__plan=plan).first()
    client.force_login(leader)
    assert client.get(reverse("admin:programme_plantask_changelist")).status_code == 200
    assert client.get(reverse("admin:programme_workplan_change", args=[plan.pk])).status_code == 200
    change = reverse("admin:programme_plantask_change", args=[task.pk])
    assert client.post(change, {"title": "改了", "status": "done"}).status_code == 403
    assert client.post(reverse("admin:programme_workplan_generate")).status_code == 403
    response = client.post(
        reverse("admin:programme_plantask_changelist"),
        {"action": "mark_done", "_selected_action": [task.pk]},
    )
    assert response.status_code in (200, 302)
    task.refresh_from_db()
    assert task.title != "改了" and task.status == PlanTask.Status.NOT_STARTED
    html = client.get("/admin/").content.decode()
    assert "年度工作任务" in html


def test_an_officer_assigns_a_task_and_notes_its_progress(client, staff):
    officer = staff("officer")
    owner = staff("owner2", roles.COMPLAINT_OFFICER)
    plan = work_plan_seed(2030)
    task = PlanTask.objects.filter(phase__plan=plan, township=None).first()
    client.force_login(officer)
    url = reverse("admin:programme_plantask_change", args=[task.pk])
    data = {
        "phase": task.phase_id,
        "title": task.title,
        "owner": owner.pk,
        "township": "",
        "due_on": "2030-03-31",
        "status": "in_progress",
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "0",
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000",
        "notes-0-text": "已召开动员会。",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.owner == owner and task.status == PlanTask.Status.IN_PROGRESS
    note = task.notes.get()
    assert note.text == "已召开动员会。" and note.author == officer
    assert task.history.first().history_user == officer
