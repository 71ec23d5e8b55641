"""The audited save: every write that matters records who made it (django-simple-history).

Services pass their `actor` explicitly instead of relying on the request: the same service
runs from a page, an admin action, a command or a Celery task, and the history row must
name the acting user in each case. An actor without a primary key (none, an anonymous
user) is recorded as nobody.

This module is the only place that sets simple-history's `_history_user`.
"""

from django.db import models


def history_user(actor):
    """The user a history row is attributed to: `actor` when it is a saved user, else None."""
    return actor if getattr(actor, "pk", None) else None


def audited(instance: models.Model, *, actor, reason: str | None = None) -> models.Model:
    """Attribute the next history row written for `instance` to `actor`, with `reason`
    (cut to the 100 characters of simple-history's change reason) when given."""
    instance._history_user = history_user(actor)
    if reason is not None:
        instance._change_reason = reason[:100]
    return instance


def audited_save(
    instance: models.Model,
    *,
    actor,
    update_fields=None,
    reason: str | None = None,
) -> models.Model:
    """Save `instance` (only `update_fields` when given) with its history row attributed."""
    audited(instance, actor=actor, reason=reason)
    if update_fields is None:
        instance.save()
    else:
        instance.save(update_fields=update_fields)
    return instance


def audited_delete(instance: models.Model, *, actor, reason: str | None = None) -> None:
    """Delete `instance`; the history row of the deletion is attributed to `actor`."""
    audited(instance, actor=actor, reason=reason)
    instance.delete()
