"""SMS codes are one service for every public form: a code is good only for the purpose,
scope and enterprise it was sent for, and a purpose nobody declared is a programming error."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from core.notifications import sms_backend
from registry.services.codes import (
    CODE_PURPOSES,
    code_check,
    code_purpose,
    code_purpose_label,
    code_send,
)

pytestmark = pytest.mark.django_db

MOBILE = "13909410001"


@pytest.fixture
def purposes():
    code_purpose("test-a", "测试用途甲")
    code_purpose("test-b", "测试用途乙")
    yield
    CODE_PURPOSES.unregister("test-a")
    CODE_PURPOSES.unregister("test-b")


def _sent_code(django_capture_on_commit_callbacks, **kwargs) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        code_send(mobile=MOBILE, message="验证码{code}", **kwargs)
    return re.search(r"验证码(\d{6})", sms_backend().outbox[-1][1]).group(1)


@pytest.mark.usefixtures("purposes")
def test_a_code_is_good_only_for_its_purpose_and_scope(
    django_capture_on_commit_callbacks, settings
):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    sms_backend().outbox.clear()
    code = _sent_code(django_capture_on_commit_callbacks, purpose="test-a", scope="agreement:1")
    for purpose, scope in (("test-b", "agreement:1"), ("test-a", "agreement:2"), ("test-a", "")):
        with pytest.raises(ValidationError, match="验证码已失效或未获取"):
            code_check(purpose=purpose, mobile=MOBILE, code=code, scope=scope)
    record = code_check(purpose="test-a", mobile=MOBILE, code=code, scope="agreement:1")
    assert record.scope == "agreement:1" and code_purpose_label(record.purpose) == "测试用途甲"


def test_an_undeclared_purpose_is_refused():
    with pytest.raises(ImproperlyConfigured):
        code_send(purpose="nobody-declared-this", mobile=MOBILE, message="验证码{code}")


def test_the_apps_declare_their_purposes():
    assert {"redemption", "check"} <= set(CODE_PURPOSES.ordered_keys())
