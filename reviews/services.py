"""Service reviews (服务评价): a resident rates a completed service by a worker and/or an
enterprise. A review proven to be about a real service (已核实服务, `core.service_proofs`)
is recorded into the credit file of each subject it names (客户口碑); hiding it revokes
those records and restoring it records them again. An unverified review is kept for staff
and never reaches the credit file. The public form confirms the reviewer's mobile with an
SMS code (`review_code_send`, `review_submit_with_code`).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import ServiceAgreement
from agreements.selectors import agreement_case_problem, agreement_service_category
from core.audit import audited_save
from core.personal_data import phone_hash, phone_mask
from core.service_proofs import ServiceClaim, service_proof
from core.transitions import StatusMachine, TransitionError
from core.validators import clean_mobile
from credit.models import CreditEvent, EventKind, Severity
from credit.services.events import credit_event_record, credit_event_revoke_by_source
from registry.models import Employment, Enterprise, ServiceCategory, Worker
from registry.services.codes import code_check, code_consume, code_send

from .models import ServiceReview

# One review per phone per worker (or per enterprise, when no worker is named) in this window.
REVIEW_REPEAT_DAYS = 30
# A service older than this can no longer be rated.
REVIEW_MAX_AGE_DAYS = 365
COMMENT_MAX_LENGTH = 500
# A review is a GENERAL record disclosed for a full year. The rating engine counts a record
# in year Y only while it is still disclosed on the evaluation date (min(today, 31 Dec of
# Y)); a MINOR record is disclosed at most 90 days, so a January review would no longer
# count in an October rating. 365 days keeps every review of the year in that year's score.
REVIEW_SEVERITY = Severity.GENERAL
REVIEW_DISCLOSURE_DAYS = 365

SCORE_FIELDS = ("quality", "punctuality", "attitude")
REVIEW_CODE_PURPOSE = "review"
REVIEW_CODE_MESSAGE = _(
    "您正在提交家政服务评价，验证码{code}，{minutes}分钟内有效。如非本人操作，请忽略。"
)


class ReviewTransitionError(TransitionError):
    pass


# The status machine of a review: published ↔ hidden.
REVIEW_MACHINE = StatusMachine(
    ServiceReview,
    {
        ServiceReview.Status.PUBLISHED: {ServiceReview.Status.HIDDEN},
        ServiceReview.Status.HIDDEN: {ServiceReview.Status.PUBLISHED},
    },
    message="该评价当前为“%(current)s”，不能改为“%(target)s”。",
    error=ReviewTransitionError,
)


def review_source_ref(review: ServiceReview) -> str:
    return f"review:{review.pk}"


def _transition(*, actor, review: ServiceReview, to: str, reason: str = "") -> None:
    REVIEW_MACHINE.transition(
        review,
        to,
        actor=actor,
        changes={
            "hidden_reason": reason.strip()[:200] if to == ServiceReview.Status.HIDDEN else ""
        },
        reason=reason.strip()[:100] or ServiceReview.Status(to).label,
        update_fields=["hidden_reason"],
        clean=False,
    )


def _check_service_date(service_date: date) -> None:
    today = timezone.localdate()
    if service_date > today:
        raise ValidationError({"service_date": _("服务日期不能晚于今天。")})
    if service_date < today - timedelta(days=REVIEW_MAX_AGE_DAYS):
        raise ValidationError({"service_date": _("只能评价一年以内完成的服务。")})


def _check_employment(worker: Worker, enterprise: Enterprise, service_date: date) -> None:
    """A review naming both counts for both, so the worker must have worked for that
    enterprise on the day of the service."""
    employed = (
        Employment.objects.on(service_date).filter(worker=worker, enterprise=enterprise).exists()
    )
    if not employed:
        raise ValidationError(
            {
                "enterprise": (
                    _(
                        "服务日期当天该从业人员不在所选企业登记。请核对企业，或不选企业、只评价从业人员。"
                    )
                )
            }
        )


def _check_repeat(phone_digest: str, worker: Worker | None, enterprise: Enterprise | None):
    since = timezone.now() - timedelta(days=REVIEW_REPEAT_DAYS)
    earlier = ServiceReview.objects.filter(phone_hash=phone_digest, created_at__gte=since)
    # Hidden reviews count too: hiding an abusive review must not open the way to another.
    if worker is not None:
        if earlier.filter(worker=worker).exists():
            raise ValidationError(
                _("您在%(days)s天内已经评价过这位从业人员，同一手机号%(days)s天内只能评价一次。"),
                code="repeat",
                params={"days": REVIEW_REPEAT_DAYS},
            )
    elif earlier.filter(enterprise=enterprise).exists():
        raise ValidationError(
            _("您在%(days)s天内已经评价过这家企业，同一手机号%(days)s天内只能评价一次。"),
            code="repeat",
            params={"days": REVIEW_REPEAT_DAYS},
        )


def _record_credit(*, actor, review: ServiceReview) -> list[CreditEvent]:
    """One record per subject named (a credit record has exactly one subject)."""
    average = review.average
    title = (
        f"服务评价{average}分"
        f"（质量{review.quality}、守约{review.punctuality}、态度{review.attitude}）"
    )
    subjects = []
    if review.worker_id:
        subjects.append({"worker": review.worker})
    if review.enterprise_id:
        subjects.append({"enterprise": review.enterprise})
    return [
        credit_event_record(
            actor=actor,
            kind=EventKind.SERVICE_REVIEW,
            occurred_on=review.service_date,
            title=title,
            value=average,
            source=CreditEvent.Source.REVIEW,
            source_ref=review_source_ref(review),
            severity=REVIEW_SEVERITY,
            disclosure_days=REVIEW_DISCLOSURE_DAYS,
            **subject,
        )
        for subject in subjects
    ]


@transaction.atomic
def review_submit(
    *,
    phone: str,
    service_date: date,
    quality: int,
    punctuality: int,
    attitude: int,
    enterprise: Enterprise | None = None,
    worker: Worker | None = None,
    service_category: ServiceCategory | None = None,
    service_agreement: ServiceAgreement | None = None,
    comment: str = "",
    reviewer_name: str = "",
    scanned_worker_ids: frozenset[int] = frozenset(),
    actor=None,
) -> ServiceReview:
    """Record a resident's review and, when it is proven to be about a real service, its
    credit records. `actor` is None for the public form. A standard service agreement,
    named by the customer it was issued to, ties the review to its enterprise, worker and
    service item. `scanned_worker_ids`: workers whose cards the reviewer's browser verified
    lately. Raises ValidationError (Chinese, keyed by field where one applies)."""
    number = clean_mobile(phone)
    if service_agreement is not None:
        if problem := agreement_case_problem(service_agreement, number):
            raise ValidationError({"agreement_number": problem})
        enterprise = service_agreement.enterprise
        worker = service_agreement.worker or worker
        service_category = service_category or agreement_service_category(service_agreement)
    if enterprise is None and worker is None:
        raise ValidationError(_("请选择被评价的企业或从业人员。"), code="no_subject")
    _check_service_date(service_date)
    # Lock the row of the subject the limit is counted on. Race: the same resident taps
    # submit twice, or submits from two tabs; both requests would pass the 30-day check
    # before either inserts. The lock makes the second wait, then see the first review.
    if worker is not None:
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
    else:
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if worker is not None and enterprise is not None:
        _check_employment(worker, enterprise, service_date)
    digest = phone_hash(number)
    _check_repeat(digest, worker, enterprise)
    proof = service_proof(
        ServiceClaim(
            mobile=number,
            service_date=service_date,
            enterprise_id=enterprise.pk if enterprise else None,
            worker_id=worker.pk if worker else None,
            agreement_id=service_agreement.pk if service_agreement else None,
            scanned_worker_ids=frozenset(scanned_worker_ids),
        )
    )

    review = ServiceReview(
        enterprise=enterprise,
        worker=worker,
        service_date=service_date,
        service_category=service_category,
        service_agreement=service_agreement,
        quality=quality,
        punctuality=punctuality,
        attitude=attitude,
        comment=comment.strip()[:COMMENT_MAX_LENGTH],
        reviewer_name=reviewer_name.strip(),
        phone_hash=digest,
        phone_masked=phone_mask(number),
        verified=proof is not None,
        proof_kind=proof.kind if proof else "",
        proof_ref=proof.reference if proof else "",
    )
    review.full_clean()
    audited_save(review, actor=actor)
    if review.verified:
        _record_credit(actor=actor, review=review)
    return review


def review_code_send(*, phone: str):
    """Send the SMS code that confirms the reviewer holds `phone` (throttled per mobile)."""
    return code_send(
        purpose=REVIEW_CODE_PURPOSE, mobile=clean_mobile(phone), message=REVIEW_CODE_MESSAGE
    )


def review_submit_with_code(*, phone: str, code: str, **review) -> ServiceReview:
    """The public form: the code sent to `phone` must match (and is then used up) before
    the review is recorded with `review_submit`. A wrong guess is counted outside the
    review's transaction; a review refused leaves its code usable for the corrected form."""
    try:
        record = code_check(purpose=REVIEW_CODE_PURPOSE, mobile=phone, code=code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages[0]}) from error
    with transaction.atomic():
        code_consume(record)
        return review_submit(phone=phone, **review)


@transaction.atomic
def review_hide(*, actor, review: ServiceReview, reason: str) -> ServiceReview:
    """Hide an abusive or false review; its credit records are revoked."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写屏蔽原因。")})
    review = ServiceReview.objects.select_for_update().get(pk=review.pk)
    _transition(actor=actor, review=review, to=ServiceReview.Status.HIDDEN, reason=reason)
    credit_event_revoke_by_source(
        actor=actor,
        source_ref=review_source_ref(review),
        reason=f"服务评价已屏蔽：{reason.strip()}",
    )
    return review


@transaction.atomic
def review_restore(*, actor, review: ServiceReview) -> ServiceReview:
    """Publish a hidden review again; its credit records come back (the same records,
    reactivated, since they share the review's source reference)."""
    review = (
        ServiceReview.objects.select_for_update(of=("self",))
        .select_related("worker", "enterprise")
        .get(pk=review.pk)
    )
    _transition(actor=actor, review=review, to=ServiceReview.Status.PUBLISHED, reason="恢复显示")
    if review.verified:
        _record_credit(actor=actor, review=review)
    return review
