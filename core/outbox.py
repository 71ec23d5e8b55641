"""The outbox: a message is a row written in the transaction of the change it reports,
sent after commit, and re-sent by one periodic drain if it was left pending.

An app's outbox model inherits `OutboxMessage` (status, attempts, time sent, last error)
and registers how a row is sent:

    NOTIFICATIONS = outbox_register(Notification, send=_send, max_attempts=8)

`outbox_enqueue` hands new rows to a task once the transaction has committed; with the
broker unreachable the rows stay pending (or, for an outbox registered with
`send_without_broker`, are sent at once from the commit hook). `outbox_deliver` is the one
send-and-record step: it locks a pending row (`FOR UPDATE SKIP LOCKED`, so a redelivered
task and the drain never both send it), sends it through `core.notifications` (the
registered `send`), and records the result: sent, or the error and a retry by the next
drain until `max_attempts`, or failed at once when the message cannot be delivered at all
(`Undeliverable`). `outbox_drain` (every `OUTBOX_DRAIN_MINUTES`, from beat) sends, per
outbox, up to `OUTBOX_BATCH_SIZE` rows still pending after `PENDING_GRACE`.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

# How long the task queued after commit has to send a row before the drain takes it over.
PENDING_GRACE = timedelta(minutes=2)


class OutboxMessage(models.Model):
    """The fields every outbox row has; the app's model adds what the message is about."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)

    class Meta:
        abstract = True


class Undeliverable(ValueError):
    """The message cannot be sent at all (no address any more, expired): it fails at once."""


@dataclass(frozen=True)
class Outbox:
    model: type[OutboxMessage]
    # Sends one row through core.notifications; raises on any failure.
    send: Callable[[OutboxMessage], None]
    max_attempts: int = 5
    select_related: tuple[str, ...] = ()
    # Called once a row is settled (sent, or failed for good): the fields it changed.
    settle: Callable[[OutboxMessage, datetime], Sequence[str]] | None = None
    # Send from the commit hook when the broker cannot take the task (a code cannot wait).
    send_without_broker: bool = False

    @property
    def label(self) -> str:
        return self.model._meta.label


_OUTBOXES: dict[str, Outbox] = {}


def outbox_register(model: type[OutboxMessage], **options) -> Outbox:
    outbox = Outbox(model=model, **options)
    _OUTBOXES[outbox.label] = outbox
    return outbox


def outboxes() -> list[Outbox]:
    """Every registered outbox (each app registers its own in its services)."""
    autodiscover_modules("services")
    return list(_OUTBOXES.values())


def _outbox(outbox: Outbox | str) -> Outbox:
    if isinstance(outbox, Outbox):
        return outbox
    if outbox not in _OUTBOXES:
        autodiscover_modules("services")
    return _OUTBOXES[outbox]


def outbox_enqueue(outbox: Outbox, ids: Sequence[int]) -> None:
    """Hand the rows `ids` to a task once the caller's transaction has committed."""
    ids = list(ids)
    if not ids:
        return
    from .tasks import deliver_outbox

    def enqueue():
        try:
            deliver_outbox.delay(outbox.label, ids)
        except Exception:  # the broker is unreachable: the outbox keeps the rows
            if not outbox.send_without_broker:
                logger.warning("could not enqueue %d %s rows; kept pending", len(ids), outbox.label)
                return
            logger.warning("could not enqueue %d %s rows; sending now", len(ids), outbox.label)
            for pk in ids:
                outbox_deliver(outbox, pk)

    transaction.on_commit(enqueue)


def outbox_deliver(outbox: Outbox | str, pk: int) -> str:
    """Send one pending row and record the result; returns its status afterwards, or ""
    when it was not pending (sent already, or being sent by another worker)."""
    outbox = _outbox(outbox)
    Status = OutboxMessage.Status
    with transaction.atomic():
        row = (
            outbox.model.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(*outbox.select_related)
            .filter(pk=pk, status=Status.PENDING)
            .first()
        )
        if row is None:
            return ""
        row.attempts += 1
        fields = ["attempts", "status"]
        now = timezone.now()
        try:
            outbox.send(row)
        except Exception as exc:  # any gateway failure is recorded and retried by the drain
            logger.warning("%s %d not delivered: %s", outbox.label, pk, type(exc).__name__)
            row.last_error = f"{type(exc).__name__}: {exc}"[:300]
            fields.append("last_error")
            if isinstance(exc, Undeliverable) or row.attempts >= outbox.max_attempts:
                row.status = Status.FAILED
        else:
            row.status = Status.SENT
            row.sent_at = now
            fields.append("sent_at")
        if row.status != Status.PENDING and outbox.settle is not None:
            fields += outbox.settle(row, now)
        row.save(update_fields=fields)
        return row.status


def outbox_drain(*, now: datetime | None = None) -> int:
    """Send what every outbox left pending (broker, worker or gateway was down); returns
    how many were sent."""
    cutoff = (now or timezone.now()) - PENDING_GRACE
    sent = 0
    for outbox in outboxes():
        with transaction.atomic():
            # Rows a worker is sending right now are locked: skipped, not waited for.
            ids = list(
                outbox.model.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=OutboxMessage.Status.PENDING, created_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[: settings.OUTBOX_BATCH_SIZE]
            )
        sent += sum(outbox_deliver(outbox, pk) == OutboxMessage.Status.SENT for pk in ids)
    return sent
