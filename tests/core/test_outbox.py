import pytest

from core.outbox import OutboxMessage, Undeliverable, outbox_deliver, outbox_register, outboxes
from zhouqu_jiazheng.schedule import PERIODIC_TASKS


def test_every_outbox_is_drained_by_the_one_periodic_task():
    assert {outbox.label for outbox in outboxes()} == {
        "complaints.Notification",
        "incentives.BookingNotice",
        "programme.TaskReminder",
        "registry.DocumentNotice",
        "registry.VerificationCode",
    }
    assert all(issubclass(outbox.model, OutboxMessage) for outbox in outboxes())
    drains = [spec for spec in PERIODIC_TASKS if "drain" in spec.task]
    assert [spec.task for spec in drains] == ["core.tasks.drain_outboxes"]


@pytest.mark.django_db
def test_an_undeliverable_row_fails_at_once_and_a_gateway_error_is_retried():
    from registry.models import DocumentNotice
    from registry.services.refresh import NOTICES
    from tests.factories.registry import EnterpriseFactory

    def refuse(notice):
        if notice.recipient == "nobody":
            raise Undeliverable("no address")
        raise ConnectionError("gateway down")

    flaky = outbox_register(DocumentNotice, send=refuse, max_attempts=3)
    try:
        enterprise = EnterpriseFactory()
        lost = DocumentNotice.objects.create(enterprise=enterprise, recipient="nobody", body="x")
        later = DocumentNotice.objects.create(enterprise=enterprise, recipient="a@b.cn", body="x")
        assert outbox_deliver(flaky, lost.pk) == "failed"
        assert outbox_deliver(flaky, lost.pk) == ""  # settled: never sent again
        assert [outbox_deliver(flaky, later.pk) for _ in range(3)] == [
            "pending",
            "pending",
            "failed",
        ]
        later.refresh_from_db()
        assert later.attempts == 3 and later.last_error == "ConnectionError: gateway down"
    finally:
        outbox_register(
            DocumentNotice, send=NOTICES.send, max_attempts=NOTICES.max_attempts, sms=NOTICES.sms
        )
