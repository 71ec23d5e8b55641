"""The request id carried from a request (or a task) into the Celery tasks it queues.

django-guid's middleware gives every request an id (or takes the proxy's `X-Request-ID`);
these hooks, connected to Celery's signals in `zhouqu_jiazheng.celery`, put it into the
headers of each task published and restore it while the task runs, so a task's log lines
carry the id of the request that queued it. A task run in process (eager: tests, the
embedded set-up) shares its caller's id and leaves it in place; a task queued by beat gets
an id of its own.

The worker logs "Task … received" before the task starts, when it reads the message:
`TaskRequest` (the request class of every task, `zhouqu_jiazheng.celery`) takes the id from
the message's headers at that moment, and `task_received` lets it go once that line is
written, so every line about a task carries the id of the request that queued it.
"""

from contextvars import ContextVar

from celery.worker.request import Request
from django_guid import clear_guid, get_guid, set_guid
from django_guid.utils import generate_guid

HEADER = "request_id"

# The id of the task message being received (the worker's consumer, before the task runs).
_receiving: ContextVar[str | None] = ContextVar("receiving_request_id", default=None)


def current_request_id() -> str | None:
    """The id for a log line: the request's or task's, else that of the message received."""
    return get_guid() or _receiving.get()


class TaskRequest(Request):
    """The worker's request for a task message: it holds the message's request id while
    the worker logs the message's arrival."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _receiving.set(_valid(self._request_dict.get(HEADER)))


def task_received() -> None:
    _receiving.set(None)


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
    return _valid(request.get(HEADER) or (request.headers or {}).get(HEADER))


def _valid(value) -> str | None:
    return value if isinstance(value, str) and value.isascii() and len(value) <= 64 else None
