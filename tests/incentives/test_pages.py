import datetime
from io import BytesIO

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core import personal_data
from incentives.models import (
    DishonestyEntry,
    Redemption,
    RedemptionItem,
    Resident,
)
from registry.models import ServiceCategory, VerificationCode
from tests.factories.incentives import (
    MembershipFactory,
    ProgrammeFactory,
    ResidentFactory,
    default_catalogue,
    grade,
    join,
    key_list,
)
from tests.factories.registry import EnterpriseFactory, make_id_number, township

from .conftest import last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    measures, groups = default_catalogue()
    good = EnterpriseFactory(name="舟曲县红榜家政")
    grade(good, "AAA")
    fallen = EnterpriseFactory(name="舟曲县警示家政")
    grade(fallen, "B")
    listed = EnterpriseFactory(name="舟曲县失信家政")
    grade(listed, "AA")
    key_list(listed)
    resident_measures = [m for m in measures.values() if m.audience == "resident"]
    for enterprise in (good, fallen, listed):
        join(enterprise, *resident_measures)
    return measures, groups, good


def test_the_catalogue_explains_the_measures_and_lists_qualified_enterprises(
    client, county, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("incentives:catalogue"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "守信居民家政服务优惠" in page and "优惠10%" in page
    assert "官方平台免费宣传" in page
    assert "80岁以上老人" in page and "再优惠20%" in page
    assert "舟曲县红榜家政" in page
    assert "舟曲县警示家政" not in page and "舟曲县失信家政" not in page
    assert "<script" not in page


def test_the_home_page_links_the_catalogue(client, county):
    assert reverse("incentives:catalogue") in client.get("/").content.decode()


def test_a_resident_checks_their_benefits_with_an_sms_code(
    client, county, sms, django_capture_on_commit_callbacks
):
    _, groups, good = county
    resident = ResidentFactory(mobile="13909417777", name="卓玛草")
    MembershipFactory(resident=resident, group=groups["dibao"])
    ResidentFactory(mobile="13909417777", name="卓玛草的母亲")
    url = reverse("incentives:check")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "send", "mobile": "139 0941 7777"})
    assert "第二步：输入短信验证码" in response.content.decode()
    assert sms[-1][0] == "13909417777"
    response = client.post(url, {"action": "verify", "mobile": "13909417777", "code": "000000"})
    if last_code(sms) != "000000":
        assert "验证码不正确" in response.content.decode()
    response = client.post(
        url, {"action": "verify", "mobile": "13909417777", "code": last_code(sms)}
    )
    assert response.status_code == 302
    # Neither the session nor the code rows keep the number itself.
    stored = str([s.get_decoded() for s in Session.objects.all()])
    stored += str(list(VerificationCode.objects.values()))
    assert "13909417777" not in stored and "139****7777" in stored

    result = client.get(reverse("incentives:check_result"), {"enterprise": good.pk})
    page = result.content.decode()
    assert "卓玛草" in page and "卓玛草的母亲" in page
    assert "在舟曲县红榜家政可优惠 25%" in page
    assert resident.id_number_masked in page
    assert "13909417777" not in page

    client.post(reverse("incentives:check_end"))
    assert client.get(reverse("incentives:check_result")).status_code == 302


def test_sending_codes_is_limited_per_address(client, county, sms):
    url = reverse("incentives:check")
    for n in range(10):
        client.post(url, {"action": "send", "mobile": f"1370941{n:04d}"})
    response = client.post(url, {"action": "send", "mobile": "13709419999"})
    assert "获取验证码的次数过多" in response.content.decode()


def test_the_result_page_needs_a_verified_mobile(client):
    assert client.get(reverse("incentives:check_result")).url == reverse("incentives:check")


# --- Admin ------------------------------------------------------------------------------------


def test_admin_pages_render(staff_client, county):
    measures, groups, good = county
    resident = ResidentFactory()
    MembershipFactory(resident=resident, group=groups["tekun"])
    programme = ProgrammeFactory()
    urls = [
        reverse(f"admin:incentives_{name}_changelist")
        for name in (
            "incentivemeasure",
            "specialgroup",
            "resident",
            "groupmembership",
            "participation",
            "redemption",
            "dishonestylistimport",
            "dishonestyentry",
            "supportprogramme",
            "supportapplication",
        )
    ] + [
        reverse("admin:incentives_resident_change", args=[resident.pk]),
        reverse(
            "admin:incentives_incentivemeasure_change", args=[measures["resident-discount"].pk]
        ),
        reverse("admin:incentives_redemption_coverage"),
        reverse("admin:incentives_programme_ranking", args=[programme.pk]),
        reverse("admin:incentives_dishonesty_upload"),
        reverse("admin:registry_enterprise_dossier", args=[good.pk]),
    ]
    for url in urls:
        assert staff_client.get(url).status_code == 200, url


def test_staff_register_a_resident_in_the_admin(staff_client, county):
    number = make_id_number(datetime.date(1944, 8, 8), sequence=33)
    response = staff_client.post(
        reverse("admin:incentives_resident_add"),
        {
            "name": "尕藏措",
            "id_number": number,
            "mobile": "13909418888",
            "township": township().pk,
            "address": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    resident = Resident.objects.get()
    assert resident.id_number_masked.endswith(number[-4:]) and resident.is_verified
    search = staff_client.get(reverse("admin:incentives_resident_changelist"), {"q": number})
    assert "尕藏措" in search.content.decode()


def test_the_dishonesty_list_is_imported_from_the_admin(staff_client, county):
    resident = ResidentFactory()
    book = Workbook()
    book.active.append(["姓名", "身份证号"])
    book.active.append([resident.name, personal_data.decrypt(resident.id_number_encrypted)])
    data = BytesIO()
    book.save(data)
    url = reverse("admin:incentives_dishonesty_upload")
    form = {"source": "舟曲县人民法院失信被执行人名单", "list_date": "2025-11-18"}

    def upload(**extra):
        return staff_client.post(
            url, {**form, **extra, "file": SimpleUploadedFile("名单.xlsx", data.getvalue())}
        )

    preview = upload()
    assert "校验通过" in preview.content.decode()
    assert not DishonestyEntry.objects.exists()
    import_id = preview.context["result"].import_id
    assert upload(import_id=import_id).status_code == 302
    resident.refresh_from_db()
    assert resident.credit_status == "dishonest"


def test_redemptions_export_masked(staff_client, county):
    measures, _, good = county
    resident = ResidentFactory(mobile="13909416666")
    category = ServiceCategory.objects.first()
    redemption = Redemption.objects.create(
        resident=resident,
        enterprise=good,
        category=category,
        served_on=datetime.date(2025, 11, 1),
        order_amount=100,
        discount_percent=10,
        discount_amount=10,
        paid_amount=90,
    )
    RedemptionItem.objects.create(
        redemption=redemption,
        measure=measures["resident-discount"],
        discount_percent=10,
        discount_amount=10,
    )
    response = staff_client.post(
        reverse("admin:incentives_redemption_changelist"),
        {"action": "export", "_selected_action": [redemption.pk]},
    )
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("服务日期", "居民姓名", "身份证号")
    assert rows[1][2] == resident.id_number_masked
    assert rows[1][3] == "139****6666"
    assert "守信居民家政服务优惠" in rows[1]


def test_cancelling_a_redemption_asks_for_a_reason(staff_client, county):
    _, _, good = county
    redemption = Redemption.objects.create(
        resident=ResidentFactory(),
        enterprise=good,
        category=ServiceCategory.objects.first(),
        served_on=datetime.date(2025, 11, 1),
        order_amount=100,
        discount_percent=0,
        discount_amount=0,
        paid_amount=100,
    )
    url = reverse("admin:incentives_redemption_changelist")
    ask = staff_client.post(url, {"action": "cancel", "_selected_action": [redemption.pk]})
    assert "作废核销记录" in ask.content.decode()
    staff_client.post(
        url,
        {"action": "cancel", "_selected_action": [redemption.pk], "confirm": "1", "reason": "重复"},
    )
    redemption.refresh_from_db()
    assert redemption.status == "cancelled" and redemption.cancel_reason == "重复"
