"""The request id carried from a request (or a task) into the Celery tasks it queues.

django-guid's middleware gives every request an id (or takes the proxy's `X-Request-ID`);
these hooks, connected to Celery's signals in `zhouqu_jiazheng.celery`, put it into the
headers of each task published and restore it while the task runs, so a task's log lines
carry the id of the request that queued it. A task run in process (eager: tests, the
embedded set-up) shares its caller's id and leaves it in place; a task queued by beat gets
an id of its own.
"""

from django_guid import clear_guid, get_guid, set_guid
from django_guid.utils import generate_guid

HEADER = "request_id"


def task_published(headers: dict | None) -> None:
    current = get_guid()
    if current and headers is not None:
        headers[HEADER] = current


def task_started(task) -> None:
    request = task.request
    if request.is_eager and get_guid():
        return
    request.request_id_owned = True
    set_guid(_header(request) or generate_guid())


def task_finished(task) -> None:
    if getattr(task.request, "request_id_owned", False):
        clear_guid()


def _header(request) -> str | None:
    value = request.get(HEADER) or (request.headers or {}).get(HEADER)
    return value if isinstance(value, str) and value.isascii() and len(value) <= 64 else None
