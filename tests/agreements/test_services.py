"""The agreement rules: prices from the published list, numbers, template versions,
confirmation by SMS code once, paper signatures, cancelling."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agreements import selectors, services
from agreements.models import AgreementTemplate, ServiceAgreement
from core.personal_data import phone_plain
from tests.factories.registry import EmploymentFactory, ServiceCategoryFactory

from .conftest import CUSTOMER_MOBILE, last_code

pytestmark = pytest.mark.django_db


def test_an_agreement_takes_the_published_price_and_computes_its_total(shop, sms):
    agreement = shop.issue(
        items=[
            services.ItemInput(category=shop.cleaning, quantity=Decimal("4")),
            services.ItemInput(category=shop.care, quantity=Decimal("2"), unit_price=Decimal(120)),
        ]
    )
    items = list(agreement.items.all())
    assert [(i.unit_price, i.published_price) for i in items] == [(45, 45), (120, 150)]
    assert agreement.total == Decimal("420.00")
    assert agreement.status == ServiceAgreement.Status.ISSUED
    # The mobile is protected: masked, hashed, encrypted.
    assert agreement.customer_mobile_masked == "138****7777"
    assert CUSTOMER_MOBILE not in agreement.customer_mobile_encrypted
    assert phone_plain(agreement, "customer_mobile") == CUSTOMER_MOBILE


def test_a_price_above_the_published_one_needs_a_reason(shop, sms):
    above = services.ItemInput(category=shop.cleaning, quantity=Decimal(2), unit_price=Decimal(50))
    with pytest.raises(ValidationError) as refused:
        shop.issue(items=[above])
    assert "高于本企业公示价45" in str(refused.value)
    assert "请写明理由" in str(refused.value)
    assert not ServiceAgreement.objects.exists()

    reasoned = services.ItemInput(
        category=shop.cleaning, quantity=Decimal(2), unit_price=Decimal(50), reason="春节期间"
    )
    agreement = shop.issue(items=[reasoned])
    assert agreement.items.get().above_published_reason == "春节期间"


def test_an_item_not_in_the_published_list_is_refused(shop, sms):
    other = ServiceCategoryFactory(code="agr-other", name="家电清洗（约定）")
    with pytest.raises(ValidationError) as refused:
        shop.issue(items=[services.ItemInput(category=other, quantity=Decimal(1))])
    assert "没有公示“家电清洗（约定）”的收费标准" in str(refused.value)


def test_a_price_outside_the_guide_range_warns_before_issuing(shop, sms):
    cheap = services.ItemInput(category=shop.cleaning, quantity=Decimal(1), unit_price=Decimal(20))
    with pytest.raises(services.AgreementWarnings) as warned:
        shop.issue(items=[cheap])
    assert "不在县指导价30" in warned.value.messages[0]
    assert shop.issue(items=[cheap], warnings_confirmed=True).total == Decimal("20.00")


def test_the_worker_must_be_a_current_employee(shop, sms):
    stranger = EmploymentFactory().worker
    with pytest.raises(ValidationError) as refused:
        shop.issue(worker=stranger)
    assert refused.value.message_dict["worker"] == ["所选服务人员不是本企业在职人员。"]
    former = EmploymentFactory(
        enterprise=shop.enterprise, ended_on=datetime.date.today() - datetime.timedelta(days=1)
    ).worker
    with pytest.raises(ValidationError):
        shop.issue(worker=former)


def test_numbers_are_unique_random_and_in_the_printed_form(shop, sms):
    numbers = {shop.issue(mobile=f"1389941{n:04d}").number for n in range(5)}
    assert len(numbers) == 5
    for number in numbers:
        assert selectors.agreement_number_problem(number) is None
        assert number.startswith("FW" + datetime.date.today().strftime("%Y%m%d"))


def test_the_number_is_found_only_with_the_right_mobile(shop, sms):
    agreement = shop.issue()
    found = selectors.agreement_by_number_and_mobile
    assert found(agreement.number.lower(), CUSTOMER_MOBILE) == agreement
    assert found(agreement.number, "13899410000") is None
    assert found("FW20250101ABCDEF", CUSTOMER_MOBILE) is None


def test_an_agreement_keeps_the_clauses_of_the_version_it_was_issued_with(shop, sms, admin_user):
    first = shop.issue()
    general = selectors.template_in_force(None)
    assert first.template == general and first.clauses == general.clauses
    new = services.template_publish(
        actor=admin_user,
        category=shop.cleaning,
        title="日常保洁服务约定",
        clauses=[{"heading": "服务内容和标准", "text": "新版本的保洁标准。"}],
    )
    assert new.version == 1
    second = shop.issue(mobile="13899418888")
    first.refresh_from_db()
    assert first.template_version == general.version and first.clauses == general.clauses
    assert second.template == new and second.clauses[0]["text"] == "新版本的保洁标准。"
    newer = services.template_publish(
        actor=admin_user, category=shop.cleaning, title="日常保洁服务约定", clauses=new.clauses
    )
    assert newer.version == 2
    assert selectors.template_in_force(shop.cleaning) == newer
    assert AgreementTemplate.objects.get(pk=new.pk).version == 1


def test_the_customer_gets_the_number_and_confirms_once_with_the_code(shop, sms):
    agreement = shop.issue()
    phone, text = sms[-1]
    assert phone == CUSTOMER_MOBILE
    assert agreement.number in text and shop.enterprise.name in text
    code = last_code(sms)
    with pytest.raises(ValidationError):
        services.agreement_confirm_by_code(
            agreement=agreement, code="000000" if code != "000000" else "111111"
        )
    confirmed = services.agreement_confirm_by_code(agreement=agreement, code=code)
    assert confirmed.status == ServiceAgreement.Status.CONFIRMED
    assert confirmed.confirmation == ServiceAgreement.Confirmation.SMS
    assert confirmed.confirmed_at is not None
    with pytest.raises(ValidationError) as again:
        services.agreement_confirm_by_code(agreement=confirmed, code=code)
    assert "已确认" in str(again.value)


def test_a_code_of_another_agreement_does_not_confirm(shop, sms):
    shop.issue()
    first_code = last_code(sms)
    second = shop.issue(mobile="13899418888")
    with pytest.raises(ValidationError):
        services.agreement_confirm_by_code(agreement=second, code=first_code)


def test_a_paper_signature_is_recorded_with_who_and_when(shop, sms, django_user_model):
    clerk = django_user_model.objects.create_user("clerk")
    agreement = shop.issue()
    today = datetime.date.today()
    with pytest.raises(ValidationError) as future:
        services.agreement_record_paper_signature(
            actor=clerk, agreement=agreement, signed_on=today + datetime.timedelta(days=1)
        )
    assert future.value.message_dict["signed_on"] == ["签字日期不能晚于今天。"]
    signed = services.agreement_record_paper_signature(
        actor=clerk, agreement=agreement, signed_on=today
    )
    assert signed.confirmation == ServiceAgreement.Confirmation.PAPER
    assert signed.confirmed_by == clerk and signed.paper_signed_on == today
    assert signed.history.first().history_user == clerk
    with pytest.raises(ValidationError):
        services.agreement_record_paper_signature(actor=clerk, agreement=signed, signed_on=today)


def test_cancelling_needs_a_reason_and_ends_confirmation(shop, sms):
    agreement = shop.issue()
    with pytest.raises(ValidationError):
        services.agreement_cancel(actor=None, agreement=agreement, reason=" ")
    cancelled = services.agreement_cancel(actor=None, agreement=agreement, reason="客户取消服务")
    assert cancelled.status == ServiceAgreement.Status.CANCELLED
    with pytest.raises(ValidationError):
        services.agreement_send_code(agreement=cancelled)


def test_counts_by_month_and_year(shop, sms):
    first = shop.issue()
    shop.issue(mobile="13899418888")
    services.agreement_record_paper_signature(
        actor=None, agreement=first, signed_on=datetime.date.today()
    )
    counts = selectors.agreement_counts(enterprise=shop.enterprise)
    assert counts["issued_month"] == counts["issued_year"] == 2
    assert counts["confirmed_month"] == counts["confirmed_year"] == 1
    assert counts["awaiting"] == 1


def test_a_second_agreement_for_the_same_customer_at_once_is_issued_without_a_new_sms(shop, sms):
    shop.issue()
    second = shop.issue()
    assert second.status == ServiceAgreement.Status.ISSUED
    assert len(sms) == 1
