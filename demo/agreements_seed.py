"""Demo standard service agreements for `seed_demo`: a service item's own template in two
versions, and a few agreements of the first demo enterprises — confirmed by the customer's
SMS code, signed on paper, and still awaiting confirmation.

Agreements go through the real services. The customer's SMS code is read from the code's
outbox message before it leaves (inside the seed's transaction), as the customer would read
it on their phone. Idempotent: the customers' mobiles are fixed, so a second run finds
every agreement already there and changes nothing.
"""

import re
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agreements import services
from agreements.code_purposes import CONFIRM, agreement_scope
from agreements.models import AgreementTemplate, ServiceAgreement
from agreements.selectors import agreement_workers, published_offerings, template_in_force
from core.personal_data import decrypt, phone_hash
from registry.models import Enterprise, VerificationCode

DEMO_AGREEMENT_ENTERPRISES = 3
# (customer, how the agreement stands) of each demo enterprise, in order.
CUSTOMERS = (
    ("马桂兰", "sms"),
    ("杨秀英", "paper"),
    ("李卓玛", "pending"),
)


def agreement_demo_mobile(enterprise_index: int, customer_index: int) -> str:
    return f"1369941{enterprise_index:02d}{customer_index:02d}"


def _item_template() -> None:
    """The first service item's own template: version 1, then version 2 with one clause
    reworded, so staff see how versions follow one another."""
    general = template_in_force(None)
    offerings = published_offerings(Enterprise.objects.order_by("pk").first())
    if general is None or not offerings:
        return
    category = offerings[0].category
    if AgreementTemplate.objects.filter(category=category).exists():
        return
    title = f"{category.name}标准化服务约定"
    first = services.template_publish(
        actor=None, category=category, title=title, clauses=general.clauses
    )
    reworded = [
        {**c, "text": c["text"] + "服务结束后由甲方当场验收。"}
        if c["heading"] == "服务内容和标准"
        else c
        for c in first.clauses
    ]
    services.template_publish(actor=None, category=category, title=title, clauses=reworded)


def _sms_code(agreement: ServiceAgreement) -> str | None:
    record = (
        VerificationCode.objects.filter(purpose=CONFIRM, scope=agreement_scope(agreement))
        .exclude(message_encrypted="")
        .order_by("-created_at")
        .first()
    )
    found = re.search(r"验证码(\d{6})", decrypt(record.message_encrypted)) if record else None
    return found.group(1) if found else None


def _issue(enterprise, index: int, number: int, name: str, how: str) -> bool:
    mobile = agreement_demo_mobile(index, number)
    if ServiceAgreement.objects.filter(customer_mobile_hash=phone_hash(mobile)).exists():
        return False
    offerings = published_offerings(enterprise)
    today = timezone.localdate()
    offering = offerings[number % len(offerings)]
    agreement = services.agreement_issue(
        actor=None,
        enterprise=enterprise,
        customer_name=name,
        customer_mobile=mobile,
        township=enterprise.township,
        service_address=f"{enterprise.township.name}幸福路{10 + number}号",
        starts_on=today + timedelta(days=number),
        ends_on=today + timedelta(days=number + 30),
        worker=agreement_workers(enterprise).first(),
        items=[services.ItemInput(category=offering.category, quantity=Decimal(4 + number))],
        warnings_confirmed=True,
    )
    if how == "sms" and (code := _sms_code(agreement)):
        services.agreement_confirm_by_code(agreement=agreement, code=code)
    elif how == "paper":
        services.agreement_record_paper_signature(actor=None, agreement=agreement, signed_on=today)
    return True


@transaction.atomic
def agreements_demo_seed() -> int:
    """Returns the number of agreements issued; a second run issues none."""
    _item_template()
    enterprises = [
        e
        for e in Enterprise.objects.active().order_by("pk")[: DEMO_AGREEMENT_ENTERPRISES * 2]
        if published_offerings(e)
    ][:DEMO_AGREEMENT_ENTERPRISES]
    issued = 0
    for index, enterprise in enumerate(enterprises):
        customers = CUSTOMERS if index == 0 else CUSTOMERS[::2]
        for number, (name, how) in enumerate(customers):
            issued += _issue(enterprise, index, number, name, how)
    return issued


def agreements_demo_to_try() -> list[str]:
    """The pending demo agreement a newcomer can look up and confirm on /agreements/verify/."""
    pending = (
        ServiceAgreement.objects.filter(
            status=ServiceAgreement.Status.ISSUED,
            customer_mobile_hash=phone_hash(agreement_demo_mobile(0, 2)),
        )
        .values_list("number", flat=True)
        .first()
    )
    if pending is None:
        return []
    return [f"约定编号 {pending}，客户手机号 {agreement_demo_mobile(0, 2)}（待确认）"]
