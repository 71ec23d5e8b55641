"""Reminders to task owners: N days before the due date and on it, by e-mail and on the
staff inbox, each stage once however often the daily task runs."""

import datetime

import pytest
import time_machine
from django.core import mail

from programme.models import PlanTask, TaskReminder
from programme.services import task_reminders_send, task_save, work_plan_seed
from programme.tasks import remind_plan_tasks
from zhouqu_jiazheng.schedule import PERIODIC_TASKS

pytestmark = pytest.mark.django_db

DUE = datetime.date(2030, 1, 31)


@pytest.fixture
def task(staff, settings):
    settings.PROGRAMME_REMINDER_DAYS = 7
    owner = staff("owner")
    plan = work_plan_seed(2030)
    PlanTask.objects.filter(phase__plan=plan).exclude(due_on=DUE).delete()
    task = PlanTask.objects.get(phase__plan=plan, due_on=DUE)
    task.owner = owner
    task_save(actor=owner, task=task)
    return task


def run(day: datetime.date, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return task_reminders_send(day)


def test_each_stage_is_sent_once(task, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert run(DUE - datetime.timedelta(days=8), capture) == 0  # not yet
    assert run(DUE - datetime.timedelta(days=7), capture) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.gov.cn"]
    assert "将于2030年01月31日到期" in message.subject and task.title in message.body
    # The next days, and a second run the same day, send nothing more.
    for days in (7, 5, 1):
        assert run(DUE - datetime.timedelta(days=days), capture) == 0
    assert run(DUE, capture) == 1  # the due date: the second stage
    assert run(DUE, capture) == 0
    assert run(DUE + datetime.timedelta(days=3), capture) == 0
    assert len(mail.outbox) == 2 and "已到完成时限" in mail.outbox[1].subject
    stages = sorted(task.reminders.values_list("stage", "status"))
    assert stages == [("before", "sent"), ("due", "sent")]


def test_a_task_first_seen_late_gets_only_the_due_reminder(
    task, django_capture_on_commit_callbacks
):
    assert run(DUE + datetime.timedelta(days=2), django_capture_on_commit_callbacks) == 1
    assert list(task.reminders.values_list("stage", flat=True)) == ["due"]


def test_a_done_task_or_one_without_owner_is_not_reminded(task, django_capture_on_commit_callbacks):
    task.status = PlanTask.Status.DONE
    task_save(actor=None, task=task)
    assert run(DUE, django_capture_on_commit_callbacks) == 0
    PlanTask.objects.filter(pk=task.pk).update(status="in_progress", owner=None)
    assert run(DUE, django_capture_on_commit_callbacks) == 0
    assert not TaskReminder.objects.exists()


def test_a_new_due_date_reminds_again(task, django_capture_on_commit_callbacks):
    assert run(DUE, django_capture_on_commit_callbacks) == 1
    task.due_on = DUE + datetime.timedelta(days=10)
    task.status = PlanTask.Status.POSTPONED
    task_save(actor=None, task=task)
    assert run(task.due_on - datetime.timedelta(days=3), django_capture_on_commit_callbacks) == 1
    assert task.reminders.count() == 2


def test_the_daily_task_is_scheduled_and_runs(task):
    spec = next(s for s in PERIODIC_TASKS if s.task == "programme.tasks.remind_plan_tasks")
    assert spec.hour == "8"
    with time_machine.travel("2030-01-31 09:00 +0800", tick=False):
        assert remind_plan_tasks.delay().get() == 1
        assert remind_plan_tasks.delay().get() == 0


def test_the_inbox_shows_tasks_near_or_past_their_due_date(task, client, admin_user):
    with time_machine.travel("2030-01-30 09:00 +0800", tick=False):
        client.force_login(admin_user)
        html = client.get("/admin/").content.decode()
    assert "工作任务临近或超过完成时限" in html
    assert "/admin/programme/plantask/?deadline=attention" in html
    with time_machine.travel("2030-01-30 09:00 +0800", tick=False):
        listing = client.get("/admin/programme/plantask/?deadline=attention")
    assert listing.status_code == 200 and task.title in listing.content.decode()
