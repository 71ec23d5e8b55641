"""Outgoing messages: e-mail through Django's backend, SMS through a pluggable backend.

`SMS_BACKEND` names a class with `send(phone, message)`; the default only logs, so nothing
leaves the machine until the bureau contracts an SMS gateway and configures its backend.
Every text message goes through `send_sms`, which puts the carrier-registered signature
(`SMS_SIGNATURE`, never translated) at its head: the texts themselves carry none.
"""

import logging
import re
from abc import ABC, abstractmethod

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(ABC):
    @abstractmethod
    def send(self, phone: str, message: str) -> None:
        """Deliver `message` to the mainland mobile number `phone`."""


class LoggingSmsBackend(SmsBackend):
    def send(self, phone: str, message: str) -> None:
        logger.info("SMS to %s: %s", phone[:3] + "****" + phone[-4:], message)


class MemorySmsBackend(SmsBackend):
    """Keeps messages in `outbox`, for tests and demonstrations."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        self.outbox.append((phone, message))


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


# A signature already at the head of a text (one written before SMS_SIGNATURE, still pending
# in an outbox) gives way to the configured one.
_SIGNATURE = re.compile(r"^【[^【】]{1,30}】")


def sms_signed(message: str) -> str:
    """`message` as it is sent: the configured signature, then the text."""
    return settings.SMS_SIGNATURE + _SIGNATURE.sub("", message, count=1)


def send_sms(phone: str, message: str) -> None:
    sms_backend().send(phone, sms_signed(message))


def send_email(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
