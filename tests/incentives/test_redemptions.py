import contextlib
import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase

from core.personal_data import phone_plain
from incentives.models import Redemption, RedemptionItem
from incentives.services import (
    redemption_cancel,
    redemption_code_send,
    redemption_record,
    redemptions,
)
from registry.models import VerificationCode
from registry.services.codes import MAX_ATTEMPTS
from tests.factories.incentives import (
    MembershipFactory,
    ResidentFactory,
    default_catalogue,
    grade,
    join,
    key_list,
)
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, ServiceCategoryFactory

from .conftest import NOW, TODAY, last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(sms):
    measures, groups = default_catalogue()
    enterprise = EnterpriseFactory(name="舟曲县诚信家政服务有限公司")
    grade(enterprise, "AA")
    join(enterprise, *(m for m in measures.values() if m.audience == "resident"))
    resident = ResidentFactory(mobile="13909411234")
    category = ServiceCategoryFactory(name="居家保洁（核销测试）")
    return measures, groups, enterprise, resident, category


def send(enterprise, resident, outbox) -> str:
    """Send a redemption code (delivered on commit) and return it as the SMS carried it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        redemption_code_send(
            enterprise=enterprise,
            mobile=phone_plain(resident, "mobile"),
            id_last4=resident.id_last4,
        )
    return last_code(outbox)


def record(enterprise, resident, category, code, **kwargs):
    kwargs.setdefault("order_amount", "200")
    return redemption_record(
        actor=None,
        enterprise=enterprise,
        mobile=phone_plain(resident, "mobile"),
        id_last4=resident.id_last4,
        code=code,
        category=category,
        **kwargs,
    )


def test_a_redemption_confirmed_by_sms_records_the_discount(setting, sms):
    measures, groups, enterprise, resident, category = setting
    MembershipFactory(resident=resident, group=groups["tekun"])
    code = send(enterprise, resident, sms)
    phone, text = sms[-1]
    assert phone == "13909411234"
    assert text.startswith("【舟曲县信易+家政】您正在舟曲县诚信家政服务有限公司使用守信激励优惠")
    assert code not in VerificationCode.objects.get().code_hash

    redemption = record(enterprise, resident, category, code, order_amount="199.99")

    assert redemption.discount_percent == Decimal(25)  # 10 + 20, capped at 25
    assert redemption.discount_amount == Decimal("50.00")
    assert redemption.paid_amount == Decimal("149.99")
    assert redemption.sms_confirmed
    items = {i.measure.code: i for i in redemption.items.all()}
    assert set(items) == {"resident-discount", "special-group-extra"}
    assert sum(i.discount_amount for i in items.values()) == Decimal("50.00")
    assert items["special-group-extra"].special_group == groups["tekun"]
    assert list(redemption.special_groups.all()) == [groups["tekun"]]
    assert "合计优惠25%，优惠50.00元，实付149.99元。" in redemption.explanation
    assert redemption.history.count() == 1


def test_the_code_is_used_once(setting, sms):
    _, _, enterprise, resident, category = setting
    code = send(enterprise, resident, sms)
    record(enterprise, resident, category, code)
    with pytest.raises(ValidationError, match="验证码已失效或未获取"):
        record(enterprise, resident, category, code)


def test_wrong_codes_are_counted_and_lock_the_code(setting, sms):
    _, _, enterprise, resident, category = setting
    code = send(enterprise, resident, sms)
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(ValidationError, match="验证码不正确"):
            record(enterprise, resident, category, wrong)
        assert VerificationCode.objects.get().guesses == attempt
    with pytest.raises(ValidationError, match="输错次数过多"):
        record(enterprise, resident, category, code)
    assert not Redemption.objects.exists()


def test_a_code_expires_and_is_bound_to_the_enterprise(setting, sms, clock):
    _, _, enterprise, resident, category = setting
    other = EnterpriseFactory()
    grade(other, "AAA")
    code = send(enterprise, resident, sms)
    with pytest.raises(ValidationError, match="验证码已失效或未获取"):
        record(other, resident, category, code)
    clock.shift(datetime.timedelta(minutes=11))
    with pytest.raises(ValidationError, match="验证码已失效或未获取"):
        record(enterprise, resident, category, code)


def test_codes_are_throttled_per_mobile(setting, sms, clock):
    _, _, enterprise, resident, _ = setting
    redemption_code_send(
        enterprise=enterprise, mobile=phone_plain(resident, "mobile"), id_last4=resident.id_last4
    )
    with pytest.raises(ValidationError, match="秒后再重新获取"):
        redemption_code_send(
            enterprise=enterprise,
            mobile=phone_plain(resident, "mobile"),
            id_last4=resident.id_last4,
        )
    for _ in range(4):
        clock.shift(datetime.timedelta(seconds=61))
        redemption_code_send(
            enterprise=enterprise,
            mobile=phone_plain(resident, "mobile"),
            id_last4=resident.id_last4,
        )
    clock.shift(datetime.timedelta(seconds=61))
    with pytest.raises(ValidationError, match="过于频繁"):
        redemption_code_send(
            enterprise=enterprise,
            mobile=phone_plain(resident, "mobile"),
            id_last4=resident.id_last4,
        )


def test_a_wrong_last4_finds_nobody(setting):
    _, _, enterprise, resident, _ = setting
    with pytest.raises(ValidationError, match="没有找到与该手机号和身份证后四位相符的居民"):
        redemption_code_send(
            enterprise=enterprise, mobile=phone_plain(resident, "mobile"), id_last4="0000"
        )


def test_a_once_a_year_benefit_cannot_be_used_twice(setting, sms, clock):
    measures, _, enterprise, resident, category = setting
    consultation = measures["resident-free-consultation"]
    code = send(enterprise, resident, sms)
    first = record(enterprise, resident, category, code, measures=[consultation])
    assert first.discount_amount == 0
    assert [i.measure for i in first.items.all()] == [consultation]
    clock.shift(datetime.timedelta(minutes=2))
    code = send(enterprise, resident, sms)
    with pytest.raises(ValidationError) as refused:
        record(enterprise, resident, category, code, measures=[consultation])
    assert refused.value.messages == [
        "“免费家政咨询”不能使用：每年限1次，今年已用1次，已达上限，明年起可再次使用。"
    ]
    # Cancelling the first record gives the benefit back.
    redemption_cancel(actor=None, redemption=first, reason="登记错误，居民未接受咨询")
    record(enterprise, resident, category, code, measures=[consultation])


def test_by_default_only_the_discounts_are_recorded(setting, sms):
    _, _, enterprise, resident, category = setting
    code = send(enterprise, resident, sms)
    redemption = record(enterprise, resident, category, code)
    assert [i.measure.code for i in redemption.items.all()] == ["resident-discount"]
    assert redemption.discount_amount == Decimal("20.00")


def test_a_dishonest_resident_gets_nothing(setting, sms):
    _, _, enterprise, resident, category = setting
    resident.credit_status = "dishonest"
    resident.save()
    code = send(enterprise, resident, sms)
    with pytest.raises(ValidationError, match="不能享受守信激励"):
        record(enterprise, resident, category, code)
    assert not Redemption.objects.exists()


def test_an_enterprise_put_under_key_management_can_no_longer_give_benefits(setting, sms):
    _, _, enterprise, resident, category = setting
    key_list(enterprise)
    code = send(enterprise, resident, sms)
    with pytest.raises(ValidationError, match="重点管理名单"):
        record(enterprise, resident, category, code)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"served_on": datetime.date(2025, 11, 21)}, "served_on", "服务日期不能晚于今天。"),
        ({"served_on": datetime.date(2025, 10, 1)}, "served_on", "只能登记30天内完成的服务。"),
        ({"order_amount": "0"}, "order_amount", "订单金额应大于0元，且不超过100000元。"),
    ],
)
def test_order_checks(setting, changes, field, message):
    _, _, enterprise, resident, category = setting
    with pytest.raises(ValidationError) as refused:
        record(enterprise, resident, category, "123456", **changes)
    assert refused.value.message_dict[field] == [message]


def test_the_worker_must_work_for_the_enterprise(setting, sms):
    _, _, enterprise, resident, category = setting
    stranger = EmploymentFactory().worker
    with pytest.raises(ValidationError, match="不是舟曲县诚信家政服务有限公司的从业人员"):
        record(enterprise, resident, category, "123456", worker=stranger)
    colleague = EmploymentFactory(enterprise=enterprise).worker
    code = send(enterprise, resident, sms)
    assert record(enterprise, resident, category, code, worker=colleague).worker == colleague


def test_a_measure_asked_for_that_does_not_stack_is_refused(setting, sms):
    from incentives.models import IncentiveMeasure

    measures, _, enterprise, resident, category = setting
    alone = IncentiveMeasure.objects.create(
        code="alone",
        title="开业特惠",
        description="单独使用",
        audience="resident",
        benefit_kind="discount",
        discount_percent=30,
        stackable=False,
        valid_from=datetime.date(2025, 1, 1),
    )
    join(enterprise, alone)
    code = send(enterprise, resident, sms)
    with pytest.raises(ValidationError, match="本次不与“开业特惠”同享"):
        record(
            enterprise, resident, category, code, measures=[alone, measures["resident-discount"]]
        )
    assert record(enterprise, resident, category, code).discount_percent == 30


def test_cancel_is_audited_and_only_once(setting, sms):
    _, _, enterprise, resident, category = setting
    code = send(enterprise, resident, sms)
    redemption = record(enterprise, resident, category, code)
    with pytest.raises(ValidationError, match="请填写作废原因"):
        redemption_cancel(actor=None, redemption=redemption, reason=" ")
    redemption_cancel(actor=None, redemption=redemption, reason="重复登记")
    with pytest.raises(ValidationError, match="不能作废"):
        redemption_cancel(actor=None, redemption=redemption, reason="重复登记")
    redemption.refresh_from_db()
    assert redemption.status == "cancelled"
    assert redemption.history.first().history_change_reason == "重复登记"


# --- Concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_redemptions_of_a_once_a_year_benefit_give_one_success(
    default_standards, sms, monkeypatch
):
    measures, _ = default_catalogue()
    consultation = measures["resident-free-consultation"]
    category = ServiceCategoryFactory(name="居家保洁（并发测试）")
    resident = ResidentFactory(mobile="13909415678")
    enterprises, codes = [], []
    for _ in range(2):
        enterprise = EnterpriseFactory()
        grade(enterprise, "AA")
        join(enterprise, consultation)
        enterprises.append(enterprise)
    # Two enterprises, each with its own valid code, record the same benefit at once.
    for enterprise in enterprises:
        redemption_code_send(
            enterprise=enterprise,
            mobile=phone_plain(resident, "mobile"),
            id_last4=resident.id_last4,
        )
        codes.append(last_code(sms))
        VerificationCode.objects.update(created_at=NOW - datetime.timedelta(minutes=2))

    barrier = threading.Barrier(2)
    # Widen the race window: after deciding eligibility, each request waits (up to two
    # seconds) for the other to have decided too. Without the lock on the resident both
    # would count "used 0 times" and both write; with it the second request is still
    # waiting for the lock, the first goes on after the timeout and commits.
    decided = threading.Barrier(2)
    real_eligibility = redemptions.eligibility

    def eligibility_then_wait(**kwargs):
        result = real_eligibility(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            decided.wait(timeout=2)
        return result

    monkeypatch.setattr(redemptions, "eligibility", eligibility_then_wait)
    outcomes: list[object] = []

    def attempt(enterprise, code):
        try:
            with time_machine.travel(NOW, tick=False):
                barrier.wait(timeout=10)
                redemption_record(
                    actor=None,
                    enterprise=enterprise,
                    mobile=phone_plain(resident, "mobile"),
                    id_last4=resident.id_last4,
                    code=code,
                    category=category,
                    order_amount="80",
                    served_on=TODAY,
                    measures=[consultation],
                )
                outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(enterprises, codes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes, key=str) == sorted(
        ["ok", "“免费家政咨询”不能使用：每年限1次，今年已用1次，已达上限，明年起可再次使用。"],
        key=str,
    )
    assert RedemptionItem.objects.filter(measure=consultation).count() == 1
