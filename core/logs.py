"""The log kit: the request id on every line, personal numbers redacted, JSON lines.

Every handler of the project's logging configuration (settings.LOGGING) carries two filters:

- `RequestIdFilter` puts the id of the request being served (django-guid's middleware,
  carried into Celery tasks by `core.request_id`) on the record as `request_id`;
- `RedactPersonalNumbers` replaces ID numbers (18-character 身份证号), mainland mobile
  numbers and unified social credit codes (统一社会信用代码) in the message, its arguments,
  the traceback and any extra field. Code does not log these numbers in the first place;
  the filter is the second line for what slips through (a value in an exception message,
  a query string in a repr).

`JsonFormatter` writes one JSON object a line (`LOG_FORMAT=json`, the default with
DEBUG off); the console of `make run` stays plain text.
"""

import logging
import re

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# Boundaries are ASCII letters and digits only, so a number written beside Chinese text is
# still found, and a long hexadecimal id (a request id) is never cut into.
_BEFORE = r"(?<![0-9A-Za-z])"
_AFTER = r"(?![0-9A-Za-z])"
ID_NUMBER = re.compile(_BEFORE + r"[1-9][0-9]{16}[0-9Xx]" + _AFTER)
# Digits and capital letters except I, O, Z, S and V (GB 32100-2015).
CREDIT_CODE = re.compile(
    _BEFORE + r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}" + _AFTER
)
MOBILE = re.compile(_BEFORE + r"(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}" + _AFTER)

REDACTIONS = (
    (ID_NUMBER, "[ID-NUMBER]"),
    (CREDIT_CODE, "[CREDIT-CODE]"),
    (MOBILE, "[MOBILE]"),
)

# The attributes every LogRecord has; anything else on a record came in through `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}
_PLAIN = (str, int, float, bool, type(None))


def redact(text: str) -> str:
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalNumbers(logging.Filter):
    _traceback = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self._traceback.formatException(record.exc_info)
            # Formatters (this project's and python-json-logger's) then print exc_text.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key in _STANDARD:
                continue
            if isinstance(value, str):
                setattr(record, key, redact(value))
            elif not isinstance(value, _PLAIN):
                # A request, a model instance: only its text reaches the log.
                setattr(record, key, redact(str(value)))
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from .request_id import current_request_id

        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(_JsonFormatter):
    """time, level, logger, request_id, message, then the record's extra fields."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("json_ensure_ascii", False)
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__("%(levelname)s %(name)s %(request_id)s %(message)s", *args, **kwargs)
