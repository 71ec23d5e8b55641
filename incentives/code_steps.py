"""The two steps of the public pages where a resident proves they hold a mobile: send an
SMS code to it, then check the code typed back (registry.services.codes). The benefit
check, the online registration and the registration status share them.

Sending is limited per IP address here and per mobile number in the code service; both
address limits are counted in the database while the cache is down (each code costs an
SMS, and codes can be guessed). A code goes to every valid number, so the first step
answers the same whoever asks. A proven mobile opens the resident's session (its hash, never
the number) for RESIDENT_SESSION_MINUTES: the status page and the benefit check read it.
"""

import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.validators import clean_mobile
from registry.code_forms import CODE_NOT_SENT, CodeForm, MobileForm, code_sent_message
from registry.models import VerificationCode
from registry.ratelimits import RateLimit, WhenCacheDown, limit_hit
from registry.services.codes import code_check, code_consume, code_delivery_failed, code_send

RESIDENT_SESSION_KEY = "incentives_check"
RESIDENT_SESSION_MINUTES = 15
TOO_MANY_SENDS = _("获取验证码的次数过多，请1小时后再试。")
TOO_MANY_TRIES = _("尝试次数过多，请1小时后再试。")


@dataclass(frozen=True)
class CodeStep:
    """One page's code: what it is for, the SMS text and the limits per address."""

    purpose: str
    message: str
    send_limit: RateLimit
    verify_limit: RateLimit


def code_step(purpose: str, message: str, *, sends: str = "10/h", tries: str = "30/h"):
    return CodeStep(
        purpose,
        message,
        RateLimit(f"incentives:{purpose}-send", sends, WhenCacheDown.DATABASE),
        RateLimit(f"incentives:{purpose}-verify", tries, WhenCacheDown.DATABASE),
    )


@dataclass(frozen=True)
class Sent:
    mobile: str
    notice: str
    delivered: bool


def send_step(request, step: CodeStep, form: Form) -> Sent | None:
    """Send a code to the form's `mobile`; None with the refusal on the form."""
    if limit_hit(request, step.send_limit):
        form.add_error(None, TOO_MANY_SENDS)
        return None
    if not form.is_valid():
        return None
    try:
        mobile = clean_mobile(form.cleaned_data["mobile"])
        record = code_send(purpose=step.purpose, mobile=mobile, message=step.message)
    except ValidationError as error:
        form.add_error("mobile", error.messages[0])
        return None
    if code_delivery_failed(record):
        return Sent(mobile, CODE_NOT_SENT, delivered=False)
    return Sent(mobile, code_sent_message(mobile), delivered=True)


def check_step(request, step: CodeStep, form: Form) -> VerificationCode | None:
    """The valid code the (valid) form's `mobile` and `code` name, not yet used (the caller
    uses it up); None with the refusal on the form. A wrong code counts against the code."""
    if limit_hit(request, step.verify_limit):
        form.add_error(None, TOO_MANY_TRIES)
        return None
    if not form.is_valid():
        return None
    try:
        return code_check(
            purpose=step.purpose,
            mobile=clean_mobile(form.cleaned_data["mobile"]),
            code=form.cleaned_data["code"],
        )
    except ValidationError as error:
        form.add_error("code", error.messages[0])
        return None


@dataclass
class MobileSteps:
    """The forms of a "mobile, then code" page, and the mobile once a code proved it."""

    mobile_form: Form
    code_form: Form | None = None
    message: str = ""
    proven: str | None = None

    def context(self) -> dict:
        return {
            "mobile_form": self.mobile_form,
            "code_form": self.code_form,
            "message": self.message,
        }


def send_action(request, step: CodeStep, next_form: type[Form]) -> MobileSteps:
    """Step 1 posted: send the code; once it is on its way, step 2 is `next_form` (a form
    with the mobile in a hidden field and a `code` field)."""
    steps = MobileSteps(MobileForm(request.POST))
    sent = send_step(request, step, steps.mobile_form)
    if sent is not None:
        steps.message = sent.notice
        if sent.delivered:
            steps.code_form = next_form(initial={"mobile": sent.mobile})
    return steps


def mobile_steps(request, step: CodeStep) -> MobileSteps:
    """Step 1 (action "send"): the mobile gets a code; step 2 (action "verify"): the code
    is checked and used up, and `proven` holds the mobile."""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "send":
        return send_action(request, step, CodeForm)
    if action == "verify":
        steps = MobileSteps(MobileForm(), CodeForm(request.POST))
        checked = check_step(request, step, steps.code_form)
        if checked is not None:
            try:
                with transaction.atomic():
                    code_consume(checked)
            except ValidationError as error:
                steps.code_form.add_error("code", error.messages[0])
            else:
                steps.proven = clean_mobile(steps.code_form.cleaned_data["mobile"])
        return steps
    return MobileSteps(MobileForm())


def resident_session_start(request, mobile: str) -> None:
    request.session.cycle_key()
    request.session[RESIDENT_SESSION_KEY] = {
        "mobile_hash": personal_data.phone_hash(clean_mobile(mobile)),
        "until": time.time() + RESIDENT_SESSION_MINUTES * 60,
    }


def resident_session(request) -> str | None:
    """The hash of the mobile this visitor proved, while the session lasts."""
    state = request.session.get(RESIDENT_SESSION_KEY)
    if not state or state.get("until", 0) < time.time():
        request.session.pop(RESIDENT_SESSION_KEY, None)
        return None
    return state.get("mobile_hash") or None


def resident_session_end(request) -> None:
    request.session.pop(RESIDENT_SESSION_KEY, None)
