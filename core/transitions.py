"""Status machines: one declaration per model, one check, one audited change.

An app declares the statuses each status may lead to and the sentence that refuses any
other move:

    COMPLAINT_MACHINE = StatusMachine(
        Complaint,
        {Status.SUBMITTED: {Status.ACCEPTED, ...}, ...},
        message="该投诉当前为“%(current)s”，不能改为“%(target)s”。",
        error=ComplaintTransitionError,
    )

Views, the admin and templates ask `can(obj, to)` (or `allowed(obj)`) before they offer a
move; services call `check(obj, to)` before other work and `transition(obj, to, actor=...)`
to make it, which checks again, sets the status and any other fields, validates and saves
with the change attributed to the actor (core.audit). Callers hold the row lock
(`select_for_update`) so that two people moving the same record are serialised and the
second is refused here.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models

from .audit import audited_save

INVALID_TRANSITION = "invalid_transition"


class TransitionError(ValidationError):
    """A record was asked to move to a status its current one does not lead to."""


_MACHINES: dict[type[models.Model], "StatusMachine"] = {}


class StatusMachine:
    """The allowed moves of `model`'s `field`, and the refusal naming both statuses.

    `message` may use `%(current)s` and `%(target)s` (the statuses' labels)."""

    def __init__(
        self,
        model: type[models.Model],
        transitions: Mapping[str, Iterable[str]],
        *,
        message: str,
        error: type[Exception] = TransitionError,
        field: str = "status",
        code: str = INVALID_TRANSITION,
    ) -> None:
        self.model = model
        self.transitions: dict[str, frozenset[str]] = {
            status: frozenset(targets) for status, targets in transitions.items()
        }
        self.message = message
        self.error = error
        self.field = field
        self.code = code
        _MACHINES[model] = self

    def label(self, status: str) -> str:
        choices = dict(self.model._meta.get_field(self.field).flatchoices)
        return str(choices.get(status, status))

    def allowed(self, obj: models.Model) -> frozenset[str]:
        """The statuses `obj` may move to from the one it has."""
        return self.transitions.get(getattr(obj, self.field), frozenset())

    def can(self, obj: models.Model, to: str) -> bool:
        return to in self.allowed(obj)

    def sources(self, to: str) -> frozenset[str]:
        """The statuses from which `to` may be reached (for a conditional UPDATE)."""
        return frozenset(status for status, targets in self.transitions.items() if to in targets)

    def refusal(self, obj: models.Model, to: str) -> Exception:
        """The error refusing to move `obj` to `to`, naming both statuses."""
        params = {"current": self.label(getattr(obj, self.field)), "target": self.label(to)}
        if issubclass(self.error, ValidationError):
            return self.error(self.message, code=self.code, params=params)
        return self.error(self.message % params)

    def check(self, obj: models.Model, to: str) -> None:
        """Raise `error` unless `obj` may move to `to`."""
        if not self.can(obj, to):
            raise self.refusal(obj, to)

    def transition(
        self,
        obj: models.Model,
        to: str,
        *,
        actor,
        changes: Mapping | None = None,
        reason: str | None = None,
        update_fields: Iterable[str] | None = None,
        clean: bool = True,
    ):
        """Check the move, set the status and `changes`, validate (unless `clean` is
        False) and save (only `update_fields` when given, the status among them) with the
        history row attributed to `actor` and `reason`."""
        self.check(obj, to)
        setattr(obj, self.field, to)
        for name, value in (changes or {}).items():
            setattr(obj, name, value)
        if clean:
            obj.full_clean()
        if update_fields is not None:
            update_fields = [self.field, *(f for f in update_fields if f != self.field)]
        return audited_save(obj, actor=actor, update_fields=update_fields, reason=reason)


def machine_for(obj: models.Model | type[models.Model]) -> StatusMachine:
    model = obj if isinstance(obj, type) else type(obj)
    for klass in model.__mro__:
        if klass in _MACHINES:
            return _MACHINES[klass]
    raise LookupError(f"{model.__name__} has no status machine")


def allowed(obj: models.Model) -> frozenset[str]:
    return machine_for(obj).allowed(obj)


def can(obj: models.Model, to: str) -> bool:
    """Whether `obj` may move to status `to` (what views and templates offer)."""
    return machine_for(obj).can(obj, to)


def check(obj: models.Model, to: str) -> None:
    machine_for(obj).check(obj, to)


def transition(obj: models.Model, to: str, *, actor, **options):
    return machine_for(obj).transition(obj, to, actor=actor, **options)
