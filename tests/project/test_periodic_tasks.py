import pytest
from django_celery_beat.models import PeriodicTask

from zhouqu_jiazheng.schedule import PERIODIC_TASKS, PeriodicTaskSpec
from zhouqu_jiazheng.services import periodic_tasks_sync


@pytest.mark.django_db
def test_schedule_is_written_once_however_often_it_is_synced():
    periodic_tasks_sync()
    periodic_tasks_sync()
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {spec.name for spec in PERIODIC_TASKS} <= names
    assert PeriodicTask.objects.filter(name="zqjz:worker-heartbeat").count() == 1
    heartbeat = PeriodicTask.objects.get(name="zqjz:worker-heartbeat")
    assert heartbeat.task == "zhouqu_jiazheng.tasks.ping"
    assert heartbeat.crontab.minute == "*/5"


@pytest.mark.django_db
def test_a_task_dropped_from_code_is_disabled_not_deleted():
    retired = PeriodicTaskSpec(
        name="zqjz:retired", task="zhouqu_jiazheng.tasks.ping", description=""
    )
    periodic_tasks_sync((*PERIODIC_TASKS, retired))
    periodic_tasks_sync()
    assert PeriodicTask.objects.get(name="zqjz:retired").enabled is False


@pytest.mark.django_db
def test_every_scheduled_task_is_registered():
    import importlib

    from zhouqu_jiazheng.celery import app

    for spec in PERIODIC_TASKS:
        module, _ = spec.task.rsplit(".", 1)
        importlib.import_module(module)  # what the worker's autodiscovery imports
        assert spec.task in app.tasks, spec.task
