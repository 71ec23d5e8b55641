"""Opinions from the public (社会监督意见) on ratings under publicity.

Anyone may send one while a rating is publicised (the same window as an objection,
`objection_window_problem`), after confirming their mobile with an SMS code
(`publicity_opinion_code_send`, then `publicity_opinion_submit`); staff enter those received
by letter or in person (`publicity_opinion_register`). Staff take it up
(`publicity_opinion_review`) and decide it within the objection deadline
(`objection_due_on`, counted from the day it was received). An upheld opinion whose facts
concern the rating is lodged as an objection to it (`objection_submit`, on behalf of the
public, dated the day the opinion arrived), which corrects the rating when that objection
is upheld; facts about a credit record are corrected through repair or revocation of the
record. While an opinion is open its rating stays publicised (see
`credit.services.publication`).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.audit import audited_save, history_user
from core.transitions import StatusMachine, TransitionError
from core.validators import clean_mobile
from registry.models import VerificationCode
from registry.services.codes import code_check, code_consume, code_send

from ..code_purposes import OPINION, rating_scope
from ..models import PublicityOpinion, Rating
from .objections import objection_due_on, objection_submit, objection_window_problem

Status = PublicityOpinion.Status
NAME_MIN_LENGTH = 2
FACTS_MIN_LENGTH = 10


class OpinionTransitionError(TransitionError):
    pass


OPINION_MACHINE = StatusMachine(
    PublicityOpinion,
    {
        Status.SUBMITTED: {Status.REVIEWING},
        Status.REVIEWING: {Status.UPHELD, Status.NOT_UPHELD},
        Status.UPHELD: set(),
        Status.NOT_UPHELD: set(),
    },
    message="该意见当前为“%(current)s”，不能变更为“%(target)s”。",
    error=OpinionTransitionError,
)


def opinion_window_problem(rating: Rating, today: date) -> ValidationError | None:
    """Why `rating` takes no opinion on `today`, or None: the objection window."""
    return objection_window_problem(rating, today)


def opinion_problems(*, name: str, facts: str) -> dict[str, str]:
    """The opinion's own rules, by field: the form shows them, the service enforces them."""
    problems = {}
    if len((name or "").strip()) < NAME_MIN_LENGTH:
        problems["name"] = "请填写您的真实姓名（至少2个字）。"
    if len((facts or "").strip()) < FACTS_MIN_LENGTH:
        problems["facts"] = f"请写清楚您了解的事实（至少{FACTS_MIN_LENGTH}个字）。"
    return problems


def _check_window(rating: Rating, day: date) -> None:
    problem = opinion_window_problem(rating, day)
    if problem is not None:
        raise problem


def publicity_opinion_code_send(*, rating: Rating, mobile: str) -> VerificationCode:
    """Send the code that confirms an opinion on `rating` to `mobile`."""
    _check_window(rating, timezone.localdate())
    return code_send(
        purpose=OPINION,
        mobile=mobile,
        scope=rating_scope(rating),
        message=_(
            "您正在对信用评价公示结果提出意见，验证码{code}，{minutes}分钟内有效。请勿告诉他人。"
        ),
    )


@transaction.atomic
def _create(
    *, actor, rating, name, mobile, facts, evidence, received_at, code=None
) -> PublicityOpinion:
    from registry.services.documents import uploads_sanitise

    if code is not None:
        code_consume(code)
    opinion = PublicityOpinion(
        rating=rating,
        name=name.strip(),
        facts=facts.strip(),
        registered_by=history_user(actor),
        submitted_at=received_at,
        due_on=objection_due_on(timezone.localdate(received_at)),
    )
    personal_data.phone_apply(opinion, "mobile", mobile)
    if evidence is not None:
        opinion.evidence = evidence
    opinion.full_clean()
    uploads_sanitise(opinion)
    return audited_save(opinion, actor=actor)


def _clean(*, name, mobile, facts, evidence) -> str:
    errors = opinion_problems(name=name, facts=facts)
    try:
        mobile = clean_mobile(mobile)
    except ValidationError as error:
        errors["mobile"] = error.messages[0]
    if evidence is not None:
        try:
            PublicityOpinion._meta.get_field("evidence").run_validators(evidence)
        except ValidationError as error:
            errors["evidence"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return mobile


def publicity_opinion_submit(
    *, rating: Rating, name: str, mobile: str, code: str, facts: str, evidence=None
) -> PublicityOpinion:
    """Record an opinion sent online, after the SMS code sent to `mobile` for `rating`."""
    _check_window(rating, timezone.localdate())
    mobile = _clean(name=name, mobile=mobile, facts=facts, evidence=evidence)
    # Checked outside the writing transaction: a wrong guess is counted even then.
    try:
        checked = code_check(purpose=OPINION, mobile=mobile, code=code, scope=rating_scope(rating))
    except ValidationError as error:
        raise ValidationError({"code": error.messages[0]}) from None
    return _create(
        actor=None,
        rating=rating,
        name=name,
        mobile=mobile,
        facts=facts,
        evidence=evidence,
        received_at=timezone.now(),
        code=checked,
    )


def publicity_opinion_register(
    *,
    actor,
    rating: Rating,
    name: str,
    mobile: str,
    facts: str,
    evidence=None,
    received_on: date | None = None,
) -> PublicityOpinion:
    """Enter an opinion received by letter, telephone or in person on `received_on`
    (today by default), which must fall within the rating's publicity period."""
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": _("收到日期不能晚于今天。")})
    _check_window(rating, received_on)
    mobile = _clean(name=name, mobile=mobile, facts=facts, evidence=evidence)
    now = timezone.localtime()
    received_at = now.replace(year=received_on.year, month=received_on.month, day=received_on.day)
    return _create(
        actor=actor,
        rating=rating,
        name=name,
        mobile=mobile,
        facts=facts,
        evidence=evidence,
        received_at=received_at,
    )


def opinion_can_review(opinion: PublicityOpinion) -> bool:
    return OPINION_MACHINE.can(opinion, Status.REVIEWING)


def opinion_can_decide(opinion: PublicityOpinion) -> bool:
    return OPINION_MACHINE.can(opinion, Status.UPHELD)


@transaction.atomic
def publicity_opinion_review(*, actor, opinion: PublicityOpinion) -> PublicityOpinion:
    """Take an opinion up (受理): staff now verify its facts."""
    opinion = PublicityOpinion.objects.select_for_update().get(pk=opinion.pk)
    return OPINION_MACHINE.transition(opinion, Status.REVIEWING, actor=actor)


def _objection_reasons(opinion: PublicityOpinion, decision: str) -> str:
    return (
        f"社会监督意见{opinion.reference}（反映人{opinion.name}，"
        f"{timezone.localtime(opinion.submitted_at):%Y-%m-%d}收到）反映：{opinion.facts}\n"
        f"核查意见：{decision}"
    )


@transaction.atomic
def publicity_opinion_decide(
    *,
    actor,
    opinion: PublicityOpinion,
    upheld: bool,
    decision: str,
    lodge_objection: bool = False,
) -> PublicityOpinion:
    """Decide an opinion. Upheld with `lodge_objection`: an objection to the rating is
    lodged with the opinion as its reason, dated the day the opinion arrived, and linked to
    it (the objection's own decision corrects the rating)."""
    opinion = PublicityOpinion.objects.select_for_update().get(pk=opinion.pk)
    to = Status.UPHELD if upheld else Status.NOT_UPHELD
    OPINION_MACHINE.check(opinion, to)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("请填写处理意见（将告知反映人）。")})
    if lodge_objection and not upheld:
        raise ValidationError(_("意见不成立时不能转为信用异议。"))
    changes = {
        "decision": decision,
        "decided_by": history_user(actor),
        "decided_at": timezone.now(),
    }
    if lodge_objection:
        changes["objection"] = objection_submit(
            actor=actor,
            rating=opinion.rating,
            reasons=_objection_reasons(opinion, decision),
            received_on=timezone.localdate(opinion.submitted_at),
        )
    return OPINION_MACHINE.transition(opinion, to, actor=actor, changes=changes)
