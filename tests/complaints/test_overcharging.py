"""乱收费: the charge a resident gives on the complaint form, the enterprise's published
prices shown beside it, and the snapshot and finding stored with the complaint."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.models import Complaint, PriceFinding
from complaints.services import complaint_submit
from complaints.services.pricing import PriceSnapshot, price_finding
from registry.models import ServiceCategory
from tests.complaints.test_pages import NEW, TRACK, form_data
from tests.factories.registry import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
    township,
)
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

D = Decimal


# --- The finding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("charged", "published", "finding"),
    [
        ("45", "50", PriceFinding.WITHIN),
        ("50", "50", PriceFinding.WITHIN),  # the published price itself
        ("60", "60", PriceFinding.WITHIN),  # the top of the guide range itself
        ("55", "50", PriceFinding.ABOVE_PUBLISHED),
        ("65", "50", PriceFinding.ABOVE_BOTH),
        ("25", "50", PriceFinding.OUTSIDE_GUIDE),  # below the range
        ("65", "70", PriceFinding.OUTSIDE_GUIDE),  # the enterprise itself publishes above it
        ("45", None, PriceFinding.WITHIN_GUIDE_UNPUBLISHED),
        ("70", None, PriceFinding.OUTSIDE_GUIDE),
    ],
)
def test_a_charge_is_set_against_the_published_price_and_the_guide_range(
    charged, published, finding
):
    snapshot = PriceSnapshot(
        published_price=D(published) if published else None,
        guide_price_min=D("30"),
        guide_price_max=D("60"),
        unit="元/小时",
    )
    assert price_finding(D(charged), snapshot) == finding


# --- The form -------------------------------------------------------------------------------------


@pytest.fixture
def cleaning():
    return ServiceCategoryFactory(
        code="test-cleaning", name="测试日常保洁", guide_price_min=30, guide_price_max=60
    )


@pytest.fixture
def enterprise(cleaning):
    enterprise = EnterpriseFactory(name="舟曲县明码家政服务有限公司")
    ServiceOfferingFactory(enterprise=enterprise, category=cleaning, price=45)
    nanny = ServiceCategoryFactory(
        code="test-nanny", name="测试育婴", unit=ServiceCategory.Unit.MONTH,
        guide_price_min=3000, guide_price_max=5000,
    )  # fmt: skip
    ServiceOfferingFactory(enterprise=enterprise, category=nanny, price=5500)
    return enterprise


def overcharged(enterprise, cleaning, **overrides) -> dict:
    fields = {
        "category": "overcharging",
        "enterprise_query": enterprise.name,
        "enterprise_choice": str(enterprise.pk),
        "service_category": str(cleaning.pk),
        "description": "说好每小时45元，做了3小时却收了300元，说是节假日加价。",
        "desired_outcome": "退还多收的费用",
    }
    return form_data(**{**fields, **overrides})


def test_the_charge_is_stored_with_the_prices_of_the_day_and_the_finding(
    client, enterprise, cleaning
):
    response = client.post(
        NEW, overcharged(enterprise, cleaning, charged_amount="300", charged_quantity="3")
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.charged_amount == D("300") and complaint.charged_quantity == D("3")
    assert complaint.charged_unit_price == D("100.00")
    assert complaint.published_price == D("45")
    assert (complaint.guide_price_min, complaint.guide_price_max) == (D("30"), D("60"))
    assert complaint.price_unit == "元/小时"
    assert complaint.price_finding == PriceFinding.ABOVE_BOTH
    # The price list changes afterwards; the complaint keeps what was published then.
    enterprise.offerings.filter(category=cleaning).update(price=120)
    complaint.refresh_from_db()
    assert complaint.published_price == D("45")


def test_without_a_quantity_the_amount_is_the_unit_price(client, enterprise, cleaning):
    client.post(NEW, overcharged(enterprise, cleaning, charged_amount="50"))
    complaint = Complaint.objects.get()
    assert complaint.charged_quantity is None and complaint.charged_unit_price == D("50.00")
    assert complaint.price_finding == PriceFinding.ABOVE_PUBLISHED


@pytest.mark.parametrize(
    ("typed", "stored"), [("３００元", "300"), ("1,200", "1200"), (" 99.5 ", "99.5")]
)
def test_amounts_are_read_as_residents_type_them(client, enterprise, cleaning, typed, stored):
    client.post(NEW, overcharged(enterprise, cleaning, charged_amount=typed))
    assert Complaint.objects.get().charged_amount == D(stored)


def test_the_charge_is_optional(client, enterprise, cleaning):
    assert client.post(NEW, overcharged(enterprise, cleaning)).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.charged_amount is None and complaint.price_finding == ""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"charged_amount": "-50"}, "实际收费应大于0元"),
        ({"charged_amount": "0"}, "实际收费应大于0元"),
        ({"charged_amount": "三百"}, "实际收费请只填写数字金额"),
        ({"charged_amount": "12.345"}, "实际收费最多填写到分"),
        ({"charged_amount": "123456789"}, "实际收费金额过大"),
        ({"charged_amount": "300", "charged_quantity": "-1"}, "服务数量应大于0"),
        ({"charged_amount": "300", "charged_quantity": "三"}, "服务数量请只填写数字"),
        ({"charged_quantity": "3"}, "填写了服务数量，请同时填写实际收费金额"),
        ({"charged_amount": "300", "service_category": ""}, "请选择收费的服务项目"),
    ],
)
def test_a_bad_charge_is_refused_with_a_chinese_message_and_nothing_is_lost(
    client, enterprise, cleaning, fields, message
):
    response = client.post(NEW, overcharged(enterprise, cleaning, **fields))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary' in html or "error-summary" in html
    assert not Complaint.objects.exists()
    # What the resident typed is all still there, the wrong amount included.
    assert 'value="张桂兰"' in html and "说好每小时45元" in html
    for name, value in fields.items():
        if value:
            assert f'name="{name}" value="{value}"' in html or f'value="{value}"' in html
    # The enterprise's price list is shown beside the charge.
    assert "舟曲县明码家政服务有限公司公示的服务价格" in html


def test_the_service_refuses_what_the_form_refuses():
    with pytest.raises(ValidationError) as refused:
        complaint_submit(
            submission_token="s" * 32,
            complainant_name="张桂兰",
            phone="13909412222",
            township=township(),
            service_date=Complaint._meta.get_field("service_date").to_python("2025-01-01"),
            category="overcharging",
            description="收费太高了，请查一查这家公司。",
            desired_outcome="退费",
            enterprise_text="某家政",
            charged_amount=D("-1"),
        )
    assert "实际收费应大于0元" in str(refused.value)


def test_the_price_list_shows_the_published_and_guide_prices_and_marks_the_chosen_item(
    client, enterprise, cleaning
):
    response = client.post(
        NEW, overcharged(enterprise, cleaning, charged_amount="abc", complainant_name="")
    )
    html = response.content.decode()
    table = re.search(r'<section class="price-table".*?</section>', html, re.S).group(0)
    assert "测试日常保洁" in table and "45 元/小时" in table and "30–60 元/小时" in table
    assert "（您选择的项目）" in table
    # A published price outside the guide range is pointed out.
    assert "5500 元/月（不在指导价区间内）" in re.sub(r"<[^>]+>", "", table)


def test_opening_the_form_for_an_enterprise_shows_its_prices(client, enterprise):
    html = client.get(NEW, {"enterprise": enterprise.pk}).content.decode()
    assert "舟曲县明码家政服务有限公司公示的服务价格" in html and "45 元/小时" in html


def test_the_price_button_shows_the_prices_without_checking_or_storing_anything(
    client, enterprise, cleaning, settings
):
    settings.COMPLAINT_RATE_PER_IP = "1/h"
    data = overcharged(enterprise, cleaning, charged_amount="三百", action="prices")
    data.update(enterprise_choice="", enterprise_query=enterprise.name, consent="")
    for _ in range(3):  # not counted against the submission limit
        response = client.post(NEW, data)
        assert response.status_code == 200
    html = response.content.decode()
    assert "舟曲县明码家政服务有限公司公示的服务价格" in html
    assert "45 元/小时" in html
    assert not Complaint.objects.exists()
    assert "error-summary" not in html and "请只填写数字" not in html
    assert 'value="张桂兰"' in html and 'value="三百"' in html and "说好每小时45元" in html
    # The enterprise the resident named is now chosen, so the real submission names it.
    assert f'name="enterprise_choice" value="{enterprise.pk}"' in html


def test_the_price_button_without_a_known_enterprise_points_to_the_guide_prices(client):
    html = client.post(
        NEW, form_data(action="prices", enterprise_query="不知道叫什么的公司")
    ).content.decode()
    assert "没有找到登记的企业" in html and 'href="/services/"' in html


# --- Who sees the finding -------------------------------------------------------------------------


def submitted(client, enterprise, cleaning) -> Complaint:
    client.post(NEW, overcharged(enterprise, cleaning, charged_amount="300", charged_quantity="3"))
    return Complaint.objects.get()


def test_the_complainant_sees_the_charge_and_the_finding_on_the_tracking_page(
    client, enterprise, cleaning
):
    complaint = submitted(client, enterprise, cleaning)
    lookup = client.post(
        TRACK, {"tracking_number": complaint.tracking_number, "phone": "13909412222"}
    )
    html = client.get(lookup.url).content.decode()
    assert "300元（数量3，折合100 元/小时）" in html
    assert "<dt>企业公示价格</dt><dd>45 元/小时</dd>" in html
    assert "<dt>县指导价</dt><dd>30–60 元/小时</dd>" in html
    assert "高于企业公示价格，且不在指导价区间内" in html


def test_staff_see_the_snapshot_and_the_finding_in_the_admin(
    client, enterprise, cleaning, django_user_model
):
    complaint = submitted(client, enterprise, cleaning)
    officer = django_user_model.objects.create_user(username="tousu", password="pw", is_staff=True)
    officer.groups.add(Group.objects.get(name=roles.COMPLAINT_OFFICER))
    client.force_login(officer)
    html = client.get(
        reverse("admin:complaints_complaint_change", args=[complaint.pk])
    ).content.decode()
    assert "收费情况" in html
    assert "企业公示价格：45 元/小时" in html and "县指导价：30–60 元/小时" in html
    assert "收费比对：高于企业公示价格，且不在指导价区间内" in html
    changelist = client.get(
        reverse("admin:complaints_complaint_changelist"), {"price_finding": "above_both"}
    ).content.decode()
    assert complaint.tracking_number in changelist
