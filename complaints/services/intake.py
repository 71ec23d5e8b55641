"""Taking in a complaint: saved with its attachments in one transaction before anything
else happens, never twice, and acknowledged with a tracking number by SMS (and e-mail)."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from agreements.models import ServiceAgreement
from agreements.selectors import agreement_case_problem, agreement_service_category
from core.audit import audited_save
from core.files import sanitised_upload
from core.numbers import dated_number
from core.validators import clean_mobile
from core.workdays import add_working_days
from registry.models import Enterprise, ServiceCategory, Township, Worker

from ..contact import phone_hash, phone_protect
from ..limits import ACCEPTANCE_DAYS, OLDEST_SERVICE, OLDEST_SERVICE_YEARS
from ..models import (
    CaseType,
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintUpdate,
    ReportCategory,
    Status,
)
from ..timeline import update_fields
from .notify import notification_queue
from .pricing import charge_fields, charge_problems

TRACKING_RANDOM_LENGTH = 6
DUPLICATE_WINDOW = timedelta(minutes=10)
TRACKING_ATTEMPTS = 5
MAX_ATTACHMENTS = 5
UNCHECKED_ON_CREATE = [
    "tracking_number",
    "submission_token",
    "township",
    "enterprise",
    "worker",
    "service_agreement",
    "service_category",
    "officer",
]


def tracking_number_new(day: date) -> str:
    """`TS` + YYYYMMDD + 6 characters drawn by the OS's CSPRNG: 32^6 ≈ 1.07 billion numbers
    a day, so a number cannot be guessed or counted through."""
    return dated_number("TS", day, TRACKING_RANDOM_LENGTH)


def content_digest(phone: str, enterprise_id: int | None, enterprise_text: str, text: str) -> str:
    """The same resident complaining about the same enterprise with the same words."""
    words = " ".join(text.split())
    key = "\x1f".join([phone, str(enterprise_id or ""), enterprise_text.strip(), words])
    return hashlib.sha256(key.encode()).hexdigest()


def complainant_name_problem(name: str) -> str | None:
    """Why `name` is not a complainant's name, or None."""
    if len((name or "").strip()) < 2:
        return "请填写您的姓名。"
    return None


def _chinese_number(number: int) -> str:
    """A small count as it is written in a sentence (1–10)."""
    return "一二三四五六七八九十"[number - 1]


def service_date_problem(day: date, today: date) -> str | None:
    """Why a complaint about a service on `day` cannot be taken, or None."""
    if day > today:
        return "服务日期不能晚于今天。"
    if day < today - OLDEST_SERVICE:
        return f"服务日期超过{_chinese_number(OLDEST_SERVICE_YEARS)}年的投诉不予受理。"
    return None


def case_category_problems(case_type: str, category: str, report_category: str) -> dict[str, str]:
    """A 投诉 takes a complaint category, a 举报 a report category, never the other."""
    if case_type == CaseType.REPORT:
        if report_category not in ReportCategory.values:
            return {"report_category": "请选择举报类别。"}
        if category:
            return {"category": "举报不填写投诉类别，请只选择举报类别。"}
    elif case_type == CaseType.COMPLAINT:
        if category not in Category.values:
            return {"category": "请选择投诉类别。"}
        if report_category:
            return {"report_category": "投诉不填写举报类别，请只选择投诉类别。"}
    else:
        return {"case_type": "请选择案件类型。"}
    return {}


def complaint_submit_problems(
    *, complainant_name: str, service_date: date, today: date
) -> dict[str, str]:
    """The complaint's own rules, by field: the form shows them, the service enforces them."""
    problems = {
        "complainant_name": complainant_name_problem(complainant_name),
        "service_date": service_date_problem(service_date, today),
    }
    return {name: problem for name, problem in problems.items() if problem}


def _received_params(channel: str, case_type: str, actor) -> dict:
    """How the case arrived, for its first timeline line: the channel, and the officer who
    entered it (named to staff only, see complaints.timeline)."""
    params = {"channel": channel, "case_type": case_type}
    if actor is not None:
        params["entered_by"] = actor.get_full_name() or actor.get_username()
    return params


@dataclass(frozen=True)
class SubmitResult:
    complaint: Complaint
    created: bool  # False: a duplicate of `complaint`, which was returned instead


def _existing_duplicate(token: str, digest: str, now) -> Complaint | None:
    """The complaint this submission repeats: the one its form token stored first, else the
    latest with the same content within the window. The look-up reads three columns of the
    few matching rows (cheap, on every submission); the whole case is read only for a
    duplicate."""
    matches = Complaint.objects.filter(
        Q(submission_token=token)
        | Q(content_digest=digest, received_at__gte=now - DUPLICATE_WINDOW)
    ).values_list("pk", "submission_token", "received_at")
    if not matches:
        return None
    pk, _token, _received = max(matches, key=lambda row: (row[1] == token, row[2]))
    return Complaint.objects.get(pk=pk)


def complaint_submit(
    *,
    submission_token: str,
    complainant_name: str,
    phone: str,
    township: Township,
    service_date: date,
    category: str,
    description: str,
    desired_outcome: str,
    enterprise: Enterprise | None = None,
    enterprise_text: str = "",
    worker: Worker | None = None,
    service_category: ServiceCategory | None = None,
    service_agreement: ServiceAgreement | None = None,
    email: str = "",
    attachments=(),
    charged_amount: Decimal | None = None,
    charged_quantity: Decimal | None = None,
    channel: str = Channel.WEB,
    case_type: str = CaseType.COMPLAINT,
    report_category: str = "",
    subject_address: str = "",
    reported_card: str = "",
    actor=None,
    language: str = "",
) -> SubmitResult:
    """Store a resident's complaint. A reloaded POST (same form token) or the same phone,
    enterprise and text within ten minutes returns the complaint already stored.

    A standard service agreement, named by the customer it was issued to, ties the case to
    its enterprise, worker and service item.

    Everything — the case, its files, its first timeline line and its outbox rows — is
    written in one transaction; delivery of the acknowledgement is enqueued after commit
    and retried from the outbox, so neither Redis nor a worker needs to be up.

    A charge (乱收费) is stored with the service item's published price and guide range of
    the moment and how the charge compares with them (complaints.services.pricing).

    A case received by phone, in person, by letter or transferred from the 12345/12315 lines
    is entered by an officer (`actor`, who becomes its 承办人) with its `channel`; it gets the
    same tracking number, deadlines and acknowledgement SMS as a web complaint.

    A 举报 (`case_type` report: a violation without a personal loss) takes a
    `report_category` instead of a complaint category, and may name an unregistered business
    by name and `subject_address`, and the home-service card (`reported_card`) it saw.

    `language` is the language of the page the complainant used (request.LANGUAGE_CODE); it
    is stored on the case and the complainant's SMS and e-mails are written in it."""
    now = timezone.now()
    if channel != Channel.WEB and actor is None:
        raise ValueError("a case received outside the web form is entered by an officer")
    problems = complaint_submit_problems(
        complainant_name=complainant_name, service_date=service_date, today=timezone.localdate(now)
    )
    problems.update(case_category_problems(case_type, category, report_category))
    problems.update(
        charge_problems(
            charged_amount=charged_amount,
            charged_quantity=charged_quantity,
            service_category=service_category,
        )
    )
    if enterprise is None and service_agreement is None and not enterprise_text.strip():
        # The database's check (complaint_names_an_enterprise), said before the insert.
        problems[NON_FIELD_ERRORS] = "请选择被投诉的企业，或填写企业名称。"
    if len(attachments) > MAX_ATTACHMENTS:
        problems["attachments"] = f"最多上传{MAX_ATTACHMENTS}个附件。"
    number = clean_mobile(phone)
    if service_agreement is not None:
        if problem := agreement_case_problem(service_agreement, number):
            problems["agreement_number"] = problem
        enterprise, enterprise_text = service_agreement.enterprise, ""
        worker = service_agreement.worker or worker
        service_category = service_category or agreement_service_category(service_agreement)
    if problems:
        raise ValidationError(problems)
    digest = content_digest(
        phone_hash(number), enterprise.pk if enterprise else None, enterprise_text, description
    )
    existing = _existing_duplicate(submission_token, digest, now)
    if existing is not None:
        return SubmitResult(existing, created=False)
    # The random part of the tracking number makes a collision a one-in-a-billion event:
    # the whole transaction is tried again with a new number (no savepoint per attempt).
    for _attempt in range(TRACKING_ATTEMPTS):
        try:
            with transaction.atomic():
                complaint = _create(
                    submission_token=submission_token,
                    digest=digest,
                    now=now,
                    complainant_name=complainant_name.strip(),
                    phone=number,
                    township=township,
                    service_date=service_date,
                    category=category,
                    description=description.strip(),
                    desired_outcome=desired_outcome.strip(),
                    enterprise=enterprise,
                    enterprise_text=enterprise_text.strip(),
                    worker=worker,
                    service_category=service_category,
                    service_agreement=service_agreement,
                    email=email.strip(),
                    attachments=attachments,
                    channel=channel,
                    case_type=case_type,
                    report_category=report_category,
                    subject_address=subject_address.strip(),
                    reported_card=reported_card.strip(),
                    officer=actor,
                    language=language
                    if language in dict(settings.LANGUAGES)
                    else settings.LANGUAGE_CODE,
                    **charge_fields(
                        enterprise=enterprise,
                        service_category=service_category,
                        charged_amount=charged_amount,
                        charged_quantity=charged_quantity,
                    ),
                )
            break
        except IntegrityError:
            # Two identical POSTs raced past the check above (a double tap): the form token
            # is unique, so the second insert failed and the first one's complaint is the
            # answer. Otherwise the tracking number was drawn twice: draw again.
            existing = Complaint.objects.filter(submission_token=submission_token).first()
            if existing is not None:
                return SubmitResult(existing, created=False)
    else:  # pragma: no cover - five collisions in a row
        raise RuntimeError("could not draw a free tracking number")
    return SubmitResult(complaint, created=True)


def _create(*, submission_token, digest, now, phone, attachments, **fields) -> Complaint:
    received_on = timezone.localdate(now)
    complaint = Complaint(
        **fields,
        **phone_protect(phone),
        submission_token=submission_token,
        content_digest=digest,
        received_at=now,
        consent_at=now,
        acceptance_due=add_working_days(received_on, ACCEPTANCE_DAYS),
    )
    if complaint.enterprise_id:
        complaint.enterprise_text = complaint.enterprise_text or ""
    # The database enforces both unique columns: a duplicate token means a double submit
    # that raced past the check in complaint_submit, answered there from the IntegrityError.
    # The related rows were read by the caller (the form's choices, the agreement), and the
    # check constraints are said by complaint_submit's problems and enforced by the
    # database: validating them again here would cost a query each.
    complaint.full_clean(exclude=UNCHECKED_ON_CREATE, validate_constraints=False)
    complaint.tracking_number = tracking_number_new(received_on)
    # An officer entering a case received by phone, visit or letter is its 承办人 and the
    # author of its first history row.
    audited_save(complaint, actor=complaint.officer)
    for upload in attachments:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=sanitised_upload(upload),
            original_name=(upload.name or "")[:200],
            source=ComplaintAttachment.Source.COMPLAINANT,
        )
    ComplaintUpdate.objects.create(
        complaint=complaint,
        author=complaint.officer,
        visibility=ComplaintUpdate.Visibility.PUBLIC,
        **update_fields(
            "received",
            **_received_params(complaint.channel, complaint.case_type, complaint.officer),
        ),
        status_to=Status.SUBMITTED,
    )
    notification_queue(
        complaint=complaint,
        event="received",
        context={"due": complaint.acceptance_due},
    )
    return complaint
