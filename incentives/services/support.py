"""Support and training applications (扶持申报、评优推荐、培训名额) from enterprises.

Any enterprise may apply while a programme is open; staff see the applications ranked by
grade, then score (`incentives.selectors.programme_ranking`), with B-graded, unrated and
key-managed applicants marked ineligible and the reason given, and decide each one.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.audit import audited_save, history_user
from core.transitions import StatusMachine, TransitionError
from core.validators import clean_phone
from registry.models import Employment, Enterprise, Worker

from ..models import ProgrammeKind, SupportApplication, SupportProgramme
from ..standing import enterprise_standing, programme_min_grade


class ApplicationTransitionError(TransitionError):
    pass


Status = SupportApplication.Status

APPLICATION_MACHINE = StatusMachine(
    SupportApplication,
    {
        Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
        Status.APPROVED: {Status.REJECTED},
        Status.REJECTED: {Status.APPROVED},
        Status.WITHDRAWN: set(),
    },
    message="该申报当前为“%(current)s”，不能变更为“%(target)s”。",
    error=ApplicationTransitionError,
)


def application_can_withdraw(application: SupportApplication) -> bool:
    """Whether the enterprise may still take the application back (before any decision):
    the portal offers "撤回申报" only then."""
    return APPLICATION_MACHINE.can(application, Status.WITHDRAWN)


@transaction.atomic
def programme_save(*, actor, programme: SupportProgramme) -> SupportProgramme:
    programme.full_clean()
    audited_save(programme, actor=actor)
    return programme


@transaction.atomic
def application_submit(
    *,
    actor,
    programme: SupportProgramme,
    enterprise: Enterprise,
    statement: str,
    contact_person: str,
    contact_phone: str,
    places: int = 1,
    trainees: list[Worker] | None = None,
) -> SupportApplication:
    """An enterprise applies to an open programme, once (a withdrawn application may be
    followed by a new one). Training applications name their trainees among current staff."""
    today = timezone.localdate()
    if not programme.open_on(today):
        raise ValidationError(
            _("该项目的申报时间为%(start)s至%(end)s，当前不在申报期内。"),
            code="closed",
            params={"start": programme.opens_on, "end": programme.closes_on},
        )
    trainees = list(trainees or [])
    if programme.kind == ProgrammeKind.TRAINING and trainees:
        staff = set(
            Employment.objects.current()
            .filter(enterprise=enterprise, worker__in=trainees)
            .values_list("worker_id", flat=True)
        )
        strangers = [w.name for w in trainees if w.pk not in staff]
        if strangers:
            raise ValidationError({"trainees": f"{'、'.join(strangers)}不是本企业在职人员。"})
        places = len(trainees)
    elif trainees:
        raise ValidationError({"trainees": _("只有培训项目需要填写参训人员。")})
    application = SupportApplication(
        programme=programme,
        enterprise=enterprise,
        statement=(statement or "").strip(),
        contact_person=(contact_person or "").strip(),
        places=places,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        personal_data.phone_apply(application, "contact_phone", clean_phone(contact_phone))
    except ValidationError as exc:
        raise ValidationError({"contact_phone": exc.messages}) from None
    application.full_clean()
    try:
        with transaction.atomic():
            audited_save(application, actor=actor)
    except IntegrityError:
        raise ValidationError(_("该企业已申报此项目，请勿重复申报。"), code="duplicate") from None
    if trainees:
        application.trainees.set(trainees)
    return application


@transaction.atomic
def application_update(*, actor, application: SupportApplication) -> SupportApplication:
    """Staff correct an application's statement, places, trainees or contact; its programme,
    enterprise and status change only through submitting and `application_transition`."""
    application.full_clean()
    return audited_save(application, actor=actor)


@transaction.atomic
def application_transition(
    *, actor, application: SupportApplication, to: str, note: str = ""
) -> SupportApplication:
    """The one place an application changes status: staff decide (入选 / 未入选), the
    enterprise withdraws."""
    application = SupportApplication.objects.select_for_update().get(pk=application.pk)
    APPLICATION_MACHINE.check(application, to)
    if to == Status.APPROVED:
        standing = enterprise_standing(application.enterprise, timezone.localdate())
        min_grade = programme_min_grade(application.programme)
        if not standing.meets(min_grade):
            raise ValidationError(standing.verdict(min_grade), code="not_eligible")
    if to == Status.REJECTED and not note.strip():
        raise ValidationError({"decision_note": _("未入选须说明理由。")})
    changes = {}
    if to in (Status.APPROVED, Status.REJECTED):
        changes = {
            "decided_at": timezone.now(),
            "decided_by": history_user(actor),
            "decision_note": note.strip()[:200],
        }
    return APPLICATION_MACHINE.transition(
        application, to, actor=actor, changes=changes, reason=note, clean=False
    )
