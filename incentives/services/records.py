"""Removing a row staff entered by mistake (a catalogue entry, a resident, a membership, an
application): the history keeps who removed it."""

from django.db import transaction

from core.audit import audited_delete


@transaction.atomic
def record_delete(*, actor, record) -> None:
    audited_delete(record, actor=actor)
