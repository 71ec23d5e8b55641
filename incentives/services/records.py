"""Removing a row staff entered by mistake (a catalogue entry, a resident, a membership, an
application): the history keeps who removed it."""

from django.db import transaction


@transaction.atomic
def record_delete(*, actor, record) -> None:
    if getattr(actor, "pk", None):
        record._history_user = actor
    record.delete()
