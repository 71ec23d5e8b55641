"""Writes of agreements: staff publish template versions; an enterprise issues an agreement
to a customer, records a paper signature or cancels it; the customer confirms it with an SMS
code on the public page.

Every price on an agreement comes from the enterprise's published list (ServiceOffering):
a unit price above it needs a stated reason, one outside the bureau's guide range is shown
to the enterprise before it issues. The clauses are copied from the template version in
force, so a later version never changes an agreement already issued.
"""

import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audited_save
from core.personal_data import phone_apply, phone_plain
from core.transitions import StatusMachine, TransitionError
from core.validators import clean_mobile
from registry.models import Enterprise, ServiceCategory, Township, Worker
from registry.services.codes import code_check, code_consume, code_send

from . import selectors
from .code_purposes import CONFIRM, agreement_scope
from .models import AgreementItem, AgreementTemplate, ServiceAgreement

Status = ServiceAgreement.Status
# How far ahead an agreement may be issued, and how long a service it may cover.
LATEST_START = timedelta(days=365)
LONGEST_SERVICE = timedelta(days=3 * 365)
CANCEL_REASON_MAX = 200


class AgreementTransitionError(TransitionError):
    pass


class AgreementWarnings(ValidationError):
    """Prices outside the guide range: issue only once the enterprise has seen them."""


AGREEMENT_MACHINE = StatusMachine(
    ServiceAgreement,
    {Status.ISSUED: {Status.CONFIRMED, Status.CANCELLED}, Status.CONFIRMED: {Status.CANCELLED}},
    message="该服务约定当前为“%(current)s”，不能改为“%(target)s”。",
    error=AgreementTransitionError,
)


# --- Templates ---------------------------------------------------------------------------


@transaction.atomic
def template_publish(
    *, actor, category: ServiceCategory | None, title: str, clauses: list[dict]
) -> AgreementTemplate:
    """Publish the next version of the template of `category` (None: the general one)."""
    clauses = [
        {"heading": c["heading"].strip(), "text": c["text"].strip()}
        for c in clauses
        if c.get("heading", "").strip() and c.get("text", "").strip()
    ]
    if not clauses:
        raise ValidationError(_("范本至少要有一条条款。"))
    if not title.strip():
        raise ValidationError({"title": _("请填写范本名称。")})
    # Serialise publishers of one category so two rarely draw the same version number; the
    # unique constraints refuse the rest.
    if category is not None:
        ServiceCategory.objects.select_for_update().get(pk=category.pk)
    latest = (
        AgreementTemplate.objects.select_for_update()
        .filter(category=category)
        .order_by("-version")
        .first()
    )
    template = AgreementTemplate(
        category=category,
        version=(latest.version + 1) if latest else 1,
        title=title.strip(),
        clauses=clauses,
        published_at=timezone.now(),
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    template.full_clean()
    return audited_save(template, actor=actor, reason=f"发布第{template.version}版")


# --- Issuing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    category: ServiceCategory
    quantity: Decimal
    unit_price: Decimal | None = None  # None: the enterprise's published price
    reason: str = ""


@dataclass(frozen=True)
class PricedItem:
    item: ItemInput
    published_price: Decimal
    unit_price: Decimal


def agreement_item_problems(
    *, enterprise: Enterprise, items: list[ItemInput]
) -> tuple[dict[int, str], list[str]]:
    """Errors by item index (not in the published list, above it without a reason) and the
    warnings (outside the guide range) of the items an enterprise wants to agree."""
    offerings = {o.category_id: o for o in selectors.published_offerings(enterprise)}
    errors: dict[int, str] = {}
    warnings: list[str] = []
    seen = set()
    for index, item in enumerate(items):
        category = item.category
        offering = offerings.get(category.pk)
        if offering is None:
            errors[index] = f"本企业没有公示“{category.name}”的收费标准，不能写入约定。"
            continue
        if category.pk in seen:
            errors[index] = f"“{category.name}”重复了，请合并为一项。"
            continue
        seen.add(category.pk)
        price = offering.price if item.unit_price is None else item.unit_price
        if item.quantity is None or item.quantity <= 0:
            errors[index] = f"“{category.name}”的数量须大于0。"
        elif price < 0:
            errors[index] = f"“{category.name}”的单价不能为负。"
        elif price > offering.price and not item.reason.strip():
            errors[index] = (
                f"“{category.name}”的单价{price}元高于本企业公示价{offering.price}元，"
                "请写明理由（如节假日、特殊要求）。"
            )
        elif not (category.guide_price_min <= price <= category.guide_price_max):
            warnings.append(
                f"“{category.name}”的单价{price}元不在县指导价"
                f"{category.guide_price_min}–{category.guide_price_max}"
                f"{category.get_unit_display()}之间。"
            )
    return errors, warnings


def agreement_issue_problems(
    *, enterprise: Enterprise, worker: Worker | None, starts_on: date, ends_on: date, today: date
) -> dict[str, str]:
    """The agreement's own rules, by field: the form shows them, the service enforces them."""
    problems = {}
    if (
        worker is not None
        and not selectors.agreement_workers(enterprise).filter(pk=worker.pk).exists()
    ):
        problems["worker"] = "所选服务人员不是本企业在职人员。"
    if starts_on < today - timedelta(days=30):
        problems["starts_on"] = "服务开始日期不能早于30天前。"
    elif starts_on > today + LATEST_START:
        problems["starts_on"] = "服务开始日期不能晚于一年以后。"
    if ends_on < starts_on:
        problems["ends_on"] = "服务结束日期不能早于开始日期。"
    elif ends_on - starts_on > LONGEST_SERVICE:
        problems["ends_on"] = "一份约定的服务期限不能超过三年。"
    return problems


def _number(day: date) -> str:
    tail = "".join(
        secrets.choice(selectors.NUMBER_ALPHABET) for _ in range(selectors.NUMBER_RANDOM_LENGTH)
    )
    return f"{selectors.NUMBER_PREFIX}{day:%Y%m%d}{tail}"


def _priced(enterprise: Enterprise, items: list[ItemInput]) -> list[PricedItem]:
    offerings = {o.category_id: o for o in selectors.published_offerings(enterprise)}
    return [
        PricedItem(
            item,
            offerings[item.category.pk].price,
            offerings[item.category.pk].price if item.unit_price is None else item.unit_price,
        )
        for item in items
    ]


def _check_issue(*, enterprise, worker, starts_on, ends_on, items, warnings_confirmed) -> None:
    if not items:
        raise ValidationError(_("请至少填写一个服务项目。"), code="no_items")
    problems = agreement_issue_problems(
        enterprise=enterprise,
        worker=worker,
        starts_on=starts_on,
        ends_on=ends_on,
        today=timezone.localdate(),
    )
    errors, warnings = agreement_item_problems(enterprise=enterprise, items=items)
    if errors:
        problems["items"] = [f"第{index + 1}项：{message}" for index, message in errors.items()]
    if problems:
        raise ValidationError(problems)
    if warnings and not warnings_confirmed:
        raise AgreementWarnings(warnings)


def _code_message(agreement: ServiceAgreement) -> str:
    # code_send formats the message: braces in an enterprise's name stay as written.
    name = agreement.enterprise.name.replace("{", "{{").replace("}", "}}")
    return (
        f"{name}为您出具了标准化服务约定，编号{agreement.number}，合计{agreement.total}元。"
        "请在“信易+家政”网站“服务约定查验”页输入编号和手机号码核对内容，"
        "无误请输入验证码{code}确认（{minutes}分钟内有效）。"
    )


@transaction.atomic
def agreement_issue(
    *,
    actor,
    enterprise: Enterprise,
    customer_name: str,
    customer_mobile: str,
    township: Township,
    service_address: str,
    starts_on: date,
    ends_on: date,
    items: list[ItemInput],
    worker: Worker | None = None,
    note: str = "",
    warnings_confirmed: bool = False,
) -> ServiceAgreement:
    """Issue an agreement and text the customer its number and a confirmation code."""
    mobile = clean_mobile(customer_mobile)
    _check_issue(
        enterprise=enterprise,
        worker=worker,
        starts_on=starts_on,
        ends_on=ends_on,
        items=items,
        warnings_confirmed=warnings_confirmed,
    )
    priced = _priced(enterprise, items)
    template = selectors.template_in_force(items[0].category)
    if template is None:
        raise ValidationError(_("县工信商务局尚未发布服务约定范本，暂不能出具约定。"))
    now = timezone.now()
    agreement = ServiceAgreement(
        enterprise=enterprise,
        worker=worker,
        customer_name=customer_name.strip(),
        township=township,
        service_address=service_address.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        total=sum(
            ((p.item.quantity * p.unit_price).quantize(Decimal("0.01")) for p in priced),
            Decimal("0.00"),
        ),
        template=template,
        template_version=template.version,
        template_title=template.title,
        clauses=list(template.clauses),
        issued_at=now,
        issued_on=timezone.localdate(now),
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    phone_apply(agreement, "customer_mobile", mobile)
    agreement.full_clean(exclude=["number", "template"])
    _save_with_number(agreement, actor=actor)
    for p in priced:
        category = p.item.category
        row = AgreementItem(
            agreement=agreement,
            category=category,
            unit=category.get_unit_display(),
            quantity=p.item.quantity,
            unit_price=p.unit_price,
            published_price=p.published_price,
            guide_price_min=category.guide_price_min,
            guide_price_max=category.guide_price_max,
            above_published_reason=p.item.reason.strip()
            if p.unit_price > p.published_price
            else "",
        )
        row.full_clean(exclude=["agreement"])
        row.save()
    # A mobile texted a code a moment ago (a second agreement for the same customer) is not
    # texted again now: the customer asks for a code on the public page.
    with suppress(ValidationError):
        _send_code(agreement, mobile)
    return agreement


def _save_with_number(agreement: ServiceAgreement, *, actor) -> None:
    # The random part makes a collision a one-in-a-billion event; retry rather than fail.
    for _attempt in range(5):
        agreement.number = _number(agreement.issued_on)
        try:
            with transaction.atomic():
                audited_save(agreement, actor=actor, reason="出具")
            return
        except IntegrityError:
            if ServiceAgreement.objects.filter(number=agreement.number).exists():
                agreement.pk = None
                continue
            raise
    raise RuntimeError("could not draw a free agreement number")  # pragma: no cover


def _send_code(agreement: ServiceAgreement, mobile: str):
    return code_send(
        purpose=CONFIRM,
        mobile=mobile,
        message=_code_message(agreement),
        scope=agreement_scope(agreement),
        enterprise=agreement.enterprise,
    )


# --- Confirmation and cancelling ---------------------------------------------------------


def _locked(agreement: ServiceAgreement) -> ServiceAgreement:
    return (
        ServiceAgreement.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=agreement.pk)
    )


@transaction.atomic
def agreement_send_code(*, agreement: ServiceAgreement):
    """A new confirmation code to the agreement's customer (from the public page, once the
    visitor has given the number and the mobile)."""
    AGREEMENT_MACHINE.check(agreement, Status.CONFIRMED)
    return _send_code(agreement, phone_plain(agreement, "customer_mobile"))


def agreement_confirm_by_code(*, agreement: ServiceAgreement, code: str) -> ServiceAgreement:
    """The customer confirms with the code texted to them; a code confirms once."""
    AGREEMENT_MACHINE.check(agreement, Status.CONFIRMED)
    mobile = phone_plain(agreement, "customer_mobile")
    checked = code_check(
        purpose=CONFIRM,
        mobile=mobile,
        code=code,
        scope=agreement_scope(agreement),
        enterprise=agreement.enterprise,
    )
    with transaction.atomic():
        agreement = _locked(agreement)
        code_consume(checked)
        now = timezone.now()
        AGREEMENT_MACHINE.transition(
            agreement,
            Status.CONFIRMED,
            actor=None,
            changes={"confirmation": ServiceAgreement.Confirmation.SMS, "confirmed_at": now},
            reason="客户短信确认",
            update_fields=["confirmation", "confirmed_at"],
            clean=False,
        )
    return agreement


@transaction.atomic
def agreement_record_paper_signature(
    *, actor, agreement: ServiceAgreement, signed_on: date
) -> ServiceAgreement:
    """The customer signed the printed agreement; the enterprise records who and when."""
    agreement = _locked(agreement)
    AGREEMENT_MACHINE.check(agreement, Status.CONFIRMED)
    today = timezone.localdate()
    if signed_on > today:
        raise ValidationError({"signed_on": _("签字日期不能晚于今天。")})
    if signed_on < agreement.issued_on:
        raise ValidationError({"signed_on": _("签字日期不能早于约定出具日期。")})
    AGREEMENT_MACHINE.transition(
        agreement,
        Status.CONFIRMED,
        actor=actor,
        changes={
            "confirmation": ServiceAgreement.Confirmation.PAPER,
            "confirmed_at": timezone.now(),
            "confirmed_by": actor,
            "paper_signed_on": signed_on,
        },
        reason="登记纸质签字",
        update_fields=["confirmation", "confirmed_at", "confirmed_by", "paper_signed_on"],
        clean=False,
    )
    return agreement


@transaction.atomic
def agreement_cancel(*, actor, agreement: ServiceAgreement, reason: str) -> ServiceAgreement:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写作废原因。")})
    agreement = _locked(agreement)
    AGREEMENT_MACHINE.transition(
        agreement,
        Status.CANCELLED,
        actor=actor,
        changes={"cancelled_at": timezone.now(), "cancel_reason": reason[:CANCEL_REASON_MAX]},
        reason=f"作废：{reason}",
        update_fields=["cancelled_at", "cancel_reason"],
        clean=False,
    )
    return agreement
