"""Every line a real worker logs about a task, "Task … received" included, carries the id
of the request that queued it."""

import re
import time
import uuid

import pytest
from django_guid import clear_guid, set_guid

from core.request_id import current_request_id, task_received
from tests.project.test_celery_worker import start_worker, stop_worker
from zhouqu_jiazheng.celery import app as celery_app
from zhouqu_jiazheng.models import WorkerHeartbeat
from zhouqu_jiazheng.tasks import ping

REQUEST_ID = "5e1f" * 8


def test_the_worker_reads_the_id_with_the_message_and_lets_it_go_once_received():
    from celery.contrib.testing.mocks import TaskMessage

    from core.request_id import TaskRequest

    message = TaskMessage(ping.name, kwargs={"hostname": "x"}, request_id=REQUEST_ID)
    TaskRequest(message, app=celery_app, task=ping)
    assert current_request_id() == REQUEST_ID  # the "received" line is written now
    task_received()
    assert current_request_id() is None
    # A message without an id (queued by beat) leaves none behind.
    TaskRequest(TaskMessage(ping.name, kwargs={"hostname": "x"}), app=celery_app, task=ping)
    assert current_request_id() is None


def test_every_task_line_of_a_real_worker_carries_the_queuing_request_id(
    transactional_db, real_broker
):
    queue = f"test-{uuid.uuid4().hex[:10]}"
    hostname = f"probe-{uuid.uuid4().hex[:8]}"
    process = start_worker(queue, loglevel="INFO")
    try:
        set_guid(REQUEST_ID)  # as a request queuing the task
        result = ping.apply_async(kwargs={"hostname": hostname}, queue=queue)
        clear_guid()
        deadline = time.monotonic() + 60
        while not WorkerHeartbeat.objects.filter(hostname=hostname).exists():
            if time.monotonic() > deadline:
                pytest.fail("the worker did not run the task within 60 s")
            time.sleep(0.2)
        time.sleep(0.5)  # the "succeeded" line follows the task's write
    finally:
        output = stop_worker(process)
    lines = [line for line in output.splitlines() if result.id in line]
    assert any(re.search(r"Task \S+ received", line) for line in lines), output
    assert any("succeeded" in line for line in lines), output
    assert all(f"[{REQUEST_ID}]" in line for line in lines), "\n".join(lines)
