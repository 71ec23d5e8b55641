"""Celery signal handlers that record task failures and successes (see `store`).

Connected from CoreConfig.ready(), so in every worker process (and, for tasks run eagerly,
in the web process). A task's retries are not failures: only its final one is.
"""

from celery.signals import task_failure, task_success

from .store import task_failure_record, task_success_record


def _name(sender) -> str | None:
    return getattr(sender, "name", None)


def _on_failure(sender=None, **kwargs) -> None:
    if name := _name(sender):
        task_failure_record(name)


def _on_success(sender=None, **kwargs) -> None:
    if name := _name(sender):
        task_success_record(name)


def connect() -> None:
    task_failure.connect(_on_failure, weak=False, dispatch_uid="core.metrics.task_failure")
    task_success.connect(_on_success, weak=False, dispatch_uid="core.metrics.task_success")
