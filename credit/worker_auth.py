"""A worker's sign-in to their own record (/workers/): mobile number, then an SMS code
(registry.services.codes); no account, no password.

Nobody can learn from these pages whether a number is registered: the first step answers
the same for every valid number and sends a code only when exactly one worker has it; the
second step gives one message for every code that does not sign in (wrong, expired, never
sent, locked). Sending is limited per address and per number here, and per number in the
service; a code that the service refuses to send (sent less than a minute ago) answers the
same "sent" page, as the code sent a moment ago still works.

The session keeps only the worker's id and the time of their last request; it lapses after
WORKER_SESSION_IDLE_SECONDS without a request, and the session key is cycled at sign-in.
"""

import time
from functools import wraps

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.validators import clean_mobile
from registry.models import Worker
from registry.ratelimits import RateLimit, WhenCacheDown, limit_hit
from registry.services.codes import code_check, code_consume, code_send

from .code_purposes import WORKER_SIGN_IN

SESSION_KEY = "credit_worker"
WORKER_SESSION_IDLE_SECONDS = 30 * 60
SMS_TEXT = _("您正在登录本人的家政从业信用档案，验证码{code}，{minutes}分钟内有效。请勿告诉他人。")
CODE_SENT = (
    "如果该号码是登记在册的家政从业人员本人手机号，验证码已发送到{masked}，"
    "10分钟内有效。没有收到短信的，请1分钟后重新获取。"
)
CODE_REFUSED = "验证码不正确或已失效，请核对短信后重新输入，或重新获取验证码。"


def _mobile_key(request) -> str | None:
    mobile = request.POST.get("mobile", "")
    try:
        return personal_data.phone_hash(clean_mobile(mobile))
    except ValidationError:
        return None


SEND_LIMIT = RateLimit(
    group="credit:worker-send", rate="10/h", when_cache_down=WhenCacheDown.DATABASE
)
# Per number, for every number alike (the service's own per-number throttle counts only
# numbers it sent to, so on its own it would tell registered numbers apart).
SEND_LIMIT_PER_MOBILE = RateLimit(
    group="credit:worker-send-mobile",
    rate="5/h",
    when_cache_down=WhenCacheDown.DATABASE,
    key=_mobile_key,
)
VERIFY_LIMIT = RateLimit(
    group="credit:worker-verify", rate="30/h", when_cache_down=WhenCacheDown.DATABASE
)


def worker_for_mobile(mobile: str) -> Worker | None:
    """The one worker registered with `mobile`; None when nobody or several share it."""
    workers = list(Worker.objects.filter(phone_hash=personal_data.phone_hash(mobile))[:2])
    return workers[0] if len(workers) == 1 else None


def _scope(worker: Worker | None) -> str:
    return f"worker:{worker.pk}" if worker else "worker:none"


def send_problem(request) -> str | None:
    """The limit the request to send a code is over, as the message to show, or None."""
    if limit_hit(request, SEND_LIMIT):
        return "获取验证码的次数过多，请1小时后再试。"
    if limit_hit(request, SEND_LIMIT_PER_MOBILE):
        return "该手机号获取验证码过于频繁，请1小时后再试。"
    return None


def sign_in_code_send(mobile: str) -> None:
    """Send a sign-in code when exactly one worker has `mobile`; answer nothing either way."""
    worker = worker_for_mobile(mobile)
    if worker is None:
        return
    try:
        code_send(purpose=WORKER_SIGN_IN, mobile=mobile, message=SMS_TEXT, scope=_scope(worker))
    except ValidationError:
        # Sent less than a minute ago (or the hour's codes used up): the earlier code works.
        return


def sign_in_code_check(mobile: str, code: str) -> Worker:
    """The worker the code signs in, or ValidationError(CODE_REFUSED) whatever went wrong."""
    worker = worker_for_mobile(mobile)
    try:
        checked = code_check(purpose=WORKER_SIGN_IN, mobile=mobile, code=code, scope=_scope(worker))
        with transaction.atomic():
            code_consume(checked)
    except ValidationError:
        raise ValidationError(CODE_REFUSED, code="refused") from None
    if worker is None:  # no code is ever sent for such a number; defensive
        raise ValidationError(CODE_REFUSED, code="refused")
    return worker


def sign_in(request, worker: Worker) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"worker": worker.pk, "seen": time.time()}


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def signed_in_worker(request) -> Worker | None:
    """The worker of this session, renewing its idle time; None when signed out or lapsed."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict):
        return None
    now = time.time()
    if now - state.get("seen", 0) > WORKER_SESSION_IDLE_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return None
    worker = Worker.objects.filter(pk=state.get("worker")).first()
    if worker is None:
        request.session.pop(SESSION_KEY, None)
        return None
    request.session[SESSION_KEY] = {"worker": worker.pk, "seen": now}
    return worker


def worker_view(function):
    """Every page of the worker's record: a signed-in worker (request.worker), or the
    sign-in page. An enterprise or staff login is not a worker's sign-in."""

    @wraps(function)
    def wrapper(request, *args, **kwargs):
        worker = signed_in_worker(request)
        if worker is None:
            return redirect("workers:sign_in")
        request.worker = worker
        return function(request, *args, **kwargs)

    return wrapper
