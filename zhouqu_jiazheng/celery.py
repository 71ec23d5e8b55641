"""The Celery application.

Settings come from Django's settings under the `CELERY_` namespace. Long jobs go to the
`bulk` queue so that a rating run or a big import never delays short tasks
(notifications, the health ping) on the `default` queue.
"""

import os

from celery import Celery, Task
from celery.signals import (
    beat_init,
    before_task_publish,
    task_postrun,
    task_prerun,
    task_received,
    worker_init,
)
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhouqu_jiazheng.settings")


class ProjectTask(Task):
    # The worker's request for each message carries its request id from the moment the
    # message is received (core.request_id), so the "received" line has it too.
    Request = "core.request_id:TaskRequest"


app = Celery("zhouqu_jiazheng", task_cls=ProjectTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each queue has its own exchange and routing key: declared bare, both would be bound to the
# default exchange with the same key and every task would be delivered to both.
app.conf.task_queues = (
    Queue("default", Exchange("default", type="direct"), routing_key="default"),
    Queue("bulk", Exchange("bulk", type="direct"), routing_key="bulk"),
)
app.conf.task_default_exchange = "default"
app.conf.task_default_routing_key = "default"
app.autodiscover_tasks()

# Database connections in a worker live like a web process's: Django's CONN_MAX_AGE and
# CONN_HEALTH_CHECKS decide, before and after each task, whether to keep or close them.
# Celery's own fixup would otherwise close every connection after every task, and each
# task (a rating chunk, a notification) would pay for a new connection and a cold
# catalogue cache in a new database backend. Its DB_REUSE_MAX turns that closing off.
app.conf["CELERY_DB_REUSE_MAX"] = 10**9


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **kwargs) -> None:
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # an eager task runs inside its caller, whose connection it shares
    from django.db import close_old_connections

    close_old_connections()


@worker_init.connect
def _refuse_bad_personal_data_keys(**kwargs) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from core.checks import refuse_bad_personal_data_keys

    try:
        refuse_bad_personal_data_keys()
    except ImproperlyConfigured as error:
        # Celery logs and ignores exceptions of signal handlers; an exit stops the worker.
        raise SystemExit(f"ImproperlyConfigured: {error}") from None


# The request id of the request (or task) that queued a task is on its log lines too.
@before_task_publish.connect
def _publish_request_id(headers=None, **kwargs) -> None:
    from core.request_id import task_published

    task_published(headers)


@task_prerun.connect
def _start_request_id(task=None, **kwargs) -> None:
    from core.request_id import task_started

    task_started(task)


@task_postrun.connect
def _finish_request_id(task=None, **kwargs) -> None:
    from core.request_id import task_finished

    task_finished(task)


@task_received.connect
def _received_request_id(**kwargs) -> None:
    from core.request_id import task_received

    task_received()


@beat_init.connect
def _hold_beat_lock(sender=None, **kwargs) -> None:
    """A second beat waits here until the first stops (core.beat_lock)."""
    import atexit

    from django.conf import settings

    from core.beat_lock import BeatLock

    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return
    lock = BeatLock(url, ttl=settings.CELERY_BEAT_LOCK_SECONDS)
    if not lock.acquire(wait=False):
        lock.acquire(wait=True)
        # The schedule was read before the wait: read it afresh, with the runs the other
        # beat recorded meanwhile, so nothing it already ran is run again.
        sender.__dict__.pop("scheduler", None)
    lock.keep()
    atexit.register(lock.release)
