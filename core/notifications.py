"""Outgoing messages: e-mail through Django's backend, SMS through a pluggable backend.

`SMS_BACKEND` names a class with `send(phone, message)`; the default only logs, so nothing
leaves the machine until the bureau contracts an SMS gateway and configures its backend.
"""

import logging
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


def send_sms(phone: str, message: str) -> None:
    sms_backend().send(phone, message)


def send_email(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
