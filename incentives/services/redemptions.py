"""Redemptions (优惠核销): an enterprise records the benefits a resident used on an order.

The resident identifies themselves at the enterprise by mobile and the last four characters
of their ID number and confirms with the SMS code sent to that mobile
(`redemption_code_send`, then `redemption_record`). What applies is decided by
`incentives.services.eligibility` under a lock on the resident, so limits hold whatever the
concurrency. Records are never edited; a wrong one is cancelled (作废) with a reason and
stops counting against the limits.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audited_save, history_user
from core.transitions import StatusMachine, TransitionError
from registry.models import Employment, Enterprise, ServiceCategory, VerificationCode, Worker
from registry.services.codes import code_check, code_consume, code_send

from ..code_purposes import REDEMPTION, resident_scope
from ..models import IncentiveMeasure, Redemption, RedemptionItem, Resident
from .eligibility import compose, day_text, eligibility, percent_text
from .residents import resident_find

CENT = Decimal("0.01")
BACKDATE_DAYS = 30  # an order may be recorded up to this many days after the service
MAX_ORDER_AMOUNT = Decimal("100000")


class RedemptionTransitionError(TransitionError):
    pass


# Cancelling (作废) is the only move: a recorded redemption is never edited.
REDEMPTION_MACHINE = StatusMachine(
    Redemption,
    {
        Redemption.Status.RECORDED: {Redemption.Status.CANCELLED},
        Redemption.Status.CANCELLED: set(),
    },
    message="该核销记录当前为“%(current)s”，不能作废。",
    error=RedemptionTransitionError,
)


def redemption_code_send(*, enterprise: Enterprise, mobile: str, id_last4: str) -> VerificationCode:
    """Send the resident the code that confirms a redemption at `enterprise`."""
    resident = resident_find(mobile=mobile, id_last4=id_last4)
    return code_send(
        purpose=REDEMPTION,
        mobile=mobile,
        scope=resident_scope(resident),
        enterprise=enterprise,
        message=f"您正在{enterprise.name}使用守信激励优惠，验证码{{code}}，{{minutes}}分钟内有效。"
        "请在服务完成后再告诉服务人员；如非本人操作，请忽略。",
    )


def _clean_order(
    enterprise: Enterprise,
    category: ServiceCategory,
    order_amount,
    served_on: date,
    worker: Worker | None,
) -> Decimal:
    errors = {}
    today = timezone.localdate()
    if served_on > today:
        errors["served_on"] = "服务日期不能晚于今天。"
    elif served_on < today - timedelta(days=BACKDATE_DAYS):
        errors["served_on"] = f"只能登记{BACKDATE_DAYS}天内完成的服务。"
    try:
        amount = Decimal(str(order_amount)).quantize(CENT, ROUND_HALF_UP)
    except ArithmeticError:
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount > MAX_ORDER_AMOUNT:
        errors["order_amount"] = f"订单金额应大于0元，且不超过{MAX_ORDER_AMOUNT}元。"
    if not category.is_active:
        errors["category"] = "该服务项目已停用。"
    if worker is not None:
        employed = Employment.objects.on(served_on).filter(worker=worker, enterprise=enterprise)
        if not employed.exists():
            errors["worker"] = f"{worker.name}在服务日期不是{enterprise.name}的从业人员。"
    if errors:
        raise ValidationError(errors)
    return amount


def redemption_record(
    *,
    actor,
    enterprise: Enterprise,
    mobile: str,
    id_last4: str,
    code: str,
    category: ServiceCategory,
    order_amount,
    served_on: date | None = None,
    worker: Worker | None = None,
    measures: list[IncentiveMeasure] | None = None,
) -> Redemption:
    """Record an order on which `enterprise` gave the resident benefits: the measures
    asked for (all that apply when `measures` is None), after the resident's SMS code.
    Raises ValidationError naming every reason when a measure asked for does not apply."""
    served_on = served_on or timezone.localdate()
    amount = _clean_order(enterprise, category, order_amount, served_on, worker)
    resident = resident_find(mobile=mobile, id_last4=id_last4)
    checked = code_check(
        purpose=REDEMPTION,
        mobile=mobile,
        code=code,
        scope=resident_scope(resident),
        enterprise=enterprise,
    )
    return _record(
        actor=actor,
        enterprise=enterprise,
        resident=resident,
        category=category,
        amount=amount,
        served_on=served_on,
        worker=worker,
        measures=measures,
        code=checked,
    )


def _record(
    *,
    actor,
    enterprise: Enterprise,
    resident: Resident,
    category: ServiceCategory,
    amount: Decimal,
    served_on: date,
    worker: Worker | None,
    measures: list[IncentiveMeasure] | None,
    code: VerificationCode | None,
) -> Redemption:
    """Write a redemption after the checks of the order and the resident's code; `code`
    is None only for the demo county's history, which has no SMS behind it."""
    with transaction.atomic():
        # The race: two redemptions for the same resident at the same moment (two devices
        # of one enterprise, or two enterprises) would both count the uses of a
        # one-per-period benefit before either is written and both succeed. Locking the
        # resident's row serialises them; the second counts the first and is refused.
        resident = Resident.objects.select_for_update().get(pk=resident.pk)
        if code is not None:
            code_consume(code)
        requested = None
        if measures is not None:
            requested = IncentiveMeasure.objects.filter(pk__in=[m.pk for m in measures])
        result = eligibility(
            subject=resident,
            enterprise=enterprise,
            category=category,
            day=served_on,
            measures=requested,
        )
        refused = [v for v in result.verdicts if not v.applies]
        if measures is not None and refused:
            raise ValidationError(
                [f"“{v.measure.title}”不能使用：{v.failed[0].text}" for v in refused],
                code="not_applicable",
            )
        composition = compose(result.applicable)
        if measures is None:
            # By default the discounts that combine best; other benefits (priority booking,
            # a free consultation) are recorded when the enterprise names them.
            chosen = [v for v in result.applicable if v.counted]
        else:
            chosen = result.applicable
            left_out = [v for v in chosen if v.discount_percent and not v.counted]
            if left_out:
                raise ValidationError(
                    [f"“{v.measure.title}”{v.note}" for v in left_out], code="not_combinable"
                )
        if not chosen:
            reasons = {check.text for v in refused for check in v.failed}
            raise ValidationError(
                "该居民在本企业没有可使用的优惠。" + "".join(sorted(reasons)),
                code="nothing_applies",
            )
        discount = (amount * composition.percent / 100).quantize(CENT, ROUND_HALF_UP)
        explanation = [
            f"{day_text(served_on)}在{enterprise.name}，{category.name}，订单{amount}元。",
            *(f"“{v.measure.title}”：{_benefit_text(v)}" for v in chosen),
            *composition.lines,
            f"合计优惠{percent_text(composition.percent)}，优惠{discount}元，"
            f"实付{amount - discount}元。",
        ]
        redemption = Redemption(
            resident=resident,
            enterprise=enterprise,
            worker=worker,
            category=category,
            served_on=served_on,
            order_amount=amount,
            discount_percent=composition.percent,
            discount_amount=discount,
            paid_amount=amount - discount,
            explanation=explanation,
            sms_confirmed=code is not None,
            recorded_by=history_user(actor),
        )
        redemption.full_clean()
        audited_save(redemption, actor=actor)
        redemption.special_groups.set(result.groups)
        RedemptionItem.objects.bulk_create(_items(redemption, chosen, amount, discount))
    return redemption


def _benefit_text(verdict) -> str:
    if verdict.discount_percent:
        return f"优惠{percent_text(verdict.discount_percent)}"
    return verdict.measure.value_note or verdict.measure.get_benefit_kind_display()


def _items(redemption, chosen, amount: Decimal, discount: Decimal) -> list[RedemptionItem]:
    """One row per measure; discount shares add up to the redemption's discount."""
    items, remaining = [], discount
    counted = [v for v in chosen if v.counted]
    for verdict in chosen:
        share_percent = verdict.counted_percent or Decimal(0)
        if verdict.counted and verdict is counted[-1]:
            share = remaining
        else:
            share = (amount * share_percent / 100).quantize(CENT, ROUND_HALF_UP)
            remaining -= share
        items.append(
            RedemptionItem(
                redemption=redemption,
                measure=verdict.measure,
                special_group=verdict.special_group,
                discount_percent=share_percent,
                discount_amount=share,
            )
        )
    return items


@transaction.atomic
def redemption_cancel(*, actor, redemption: Redemption, reason: str) -> Redemption:
    """作废: the record stays for the audit and stops counting (limits, statistics)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("请填写作废原因。")})
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    return REDEMPTION_MACHINE.transition(
        redemption,
        Redemption.Status.CANCELLED,
        actor=actor,
        changes={"cancelled_at": timezone.now(), "cancel_reason": reason[:200]},
        reason=reason,
        clean=False,
    )


def redemption_record_from_paper(
    *,
    actor,
    enterprise: Enterprise,
    resident: Resident,
    category: ServiceCategory,
    order_amount,
    served_on: date,
    worker: Worker | None = None,
) -> Redemption:
    """Enter a redemption kept on paper before the system (the demo county's year of
    history is built this way): the same rules and limits, no SMS confirmation, any past
    date; the record shows 短信验证码确认 = no."""
    amount = Decimal(str(order_amount)).quantize(CENT, ROUND_HALF_UP)
    if served_on > timezone.localdate():
        raise ValidationError({"served_on": _("服务日期不能晚于今天。")})
    return _record(
        actor=actor,
        enterprise=enterprise,
        resident=resident,
        category=category,
        amount=amount,
        served_on=served_on,
        worker=worker,
        measures=None,
        code=None,
    )
