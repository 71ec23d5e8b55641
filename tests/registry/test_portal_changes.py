"""Change requests from the portal: the enterprise proposes, staff see the field-by-field
difference and approve (applied through the register services, with the staff member in
the history) or reject with a reason the enterprise reads; an approval over a record that
changed in the meantime is refused; bad input is refused in Chinese and changes nothing."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registry.models import ChangeRequest, Enterprise, EnterpriseQualification, ServiceOffering
from registry.services import changes, enterprise_save, record_save
from tests.factories.registry import (
    ServiceCategoryFactory,
    ServiceOfferingFactory,
    township,
)
from tests.portal_fixtures import portal_user

pytestmark = pytest.mark.django_db

Status = ChangeRequest.Status


@pytest.fixture
def portal():
    return portal_user()


def profile_data(enterprise: Enterprise, **changed) -> dict:
    data = {
        "name": enterprise.name,
        "legal_representative": enterprise.legal_representative,
        "business_address": enterprise.business_address,
        "registered_address": enterprise.registered_address,
        "township": enterprise.township_id,
        "phone": enterprise.phone,
        "contact_person": enterprise.contact_person,
        "email": enterprise.email,
        "established_on": enterprise.established_on or "",
        "business_scope": enterprise.business_scope,
    }
    data.update(changed)
    return data


def review_url(change: ChangeRequest) -> str:
    return reverse("admin:registry_changerequest_review", args=[change.pk])


def jpeg_with_exif(name="licence.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# --- Profile ---------------------------------------------------------------------------------


def test_profile_change_end_to_end(portal, staff_client):
    enterprise = portal.enterprise
    old_phone = enterprise.phone
    response = portal.client.post(
        reverse("portal:profile_edit"),
        profile_data(enterprise, phone="0941-5123456", contact_person="马小花"),
    )
    assert response.status_code == 302 and response.url == reverse("portal:profile")

    change = ChangeRequest.objects.get(enterprise=enterprise)
    assert change.kind == ChangeRequest.Kind.PROFILE and change.status == Status.PENDING
    # Only the fields that changed, with the value the enterprise saw and the one it wants.
    assert change.changes == {
        "phone": {"label": "联系电话", "old": old_phone, "new": "0941-5123456"},
        "contact_person": {"label": "联系人", "old": "", "new": "马小花"},
    }
    assert change.submitted_by == portal.user
    enterprise.refresh_from_db()
    assert enterprise.phone == old_phone  # nothing counts before review

    page = portal.client.get(reverse("portal:profile")).content.decode()
    assert "待审核" in page and "0941-5123456" in page

    # Staff see the difference in the admin: list, read-only change page and review page.
    listing = staff_client.get(
        reverse("admin:registry_changerequest_changelist"), {"status__exact": "pending"}
    )
    assert enterprise.name in listing.content.decode()
    detail = staff_client.get(reverse("admin:registry_changerequest_change", args=[change.pk]))
    assert "0941-5123456" in detail.content.decode()
    review = staff_client.get(review_url(change)).content.decode()
    for text in ("字段", "原值", "新值", "联系电话", old_phone, "0941-5123456", "马小花"):
        assert text in review

    response = staff_client.post(review_url(change), {"outcome": "approve", "reason": ""})
    assert response.status_code == 302

    enterprise.refresh_from_db()
    assert enterprise.phone == "0941-5123456" and enterprise.contact_person == "马小花"
    latest = enterprise.history.first()
    assert latest.history_user == staff_client.user
    assert latest.history_change_reason == f"企业信息变更申请 #{change.pk}"
    change.refresh_from_db()
    assert change.status == Status.APPROVED and change.decided_by == staff_client.user
    assert change.history.first().history_user == staff_client.user
    assert "已通过" in portal.client.get(reverse("portal:profile")).content.decode()


def test_reject_needs_a_reason_which_the_enterprise_then_sees(portal, staff_client):
    change = changes.change_request_submit_profile(
        actor=portal.user, enterprise=portal.enterprise, data={"name": "舟曲县新名家政有限公司"}
    )
    response = staff_client.post(review_url(change), {"outcome": "reject", "reason": "  "})
    assert "请填写不予通过的原因" in response.content.decode()
    change.refresh_from_db()
    assert change.status == Status.PENDING

    staff_client.post(
        review_url(change),
        {"outcome": "reject", "reason": "名称变更须提供市场监管部门的变更通知书。"},
    )
    change.refresh_from_db()
    assert change.status == Status.REJECTED and change.decided_by == staff_client.user
    portal.enterprise.refresh_from_db()
    assert portal.enterprise.name != "舟曲县新名家政有限公司"
    page = portal.client.get(reverse("portal:profile")).content.decode()
    assert "未通过" in page and "名称变更须提供市场监管部门的变更通知书。" in page


def test_stale_approval_is_refused_and_overwrites_nothing(portal, staff_client):
    change = changes.change_request_submit_profile(
        actor=portal.user, enterprise=portal.enterprise, data={"phone": "13909415555"}
    )
    # Meanwhile a staff member corrects the phone number from the registration records.
    enterprise = Enterprise.objects.get(pk=portal.enterprise.pk)
    enterprise.phone = "13909416666"
    enterprise_save(actor=staff_client.user, enterprise=enterprise)

    response = staff_client.post(review_url(change), {"outcome": "approve", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "申请提交后，以下信息已被修改：联系电话" in page
    enterprise.refresh_from_db()
    assert enterprise.phone == "13909416666"
    change.refresh_from_db()
    assert change.status == Status.PENDING
    with pytest.raises(changes.ChangeRequestStaleError):
        changes.change_request_approve(actor=staff_client.user, change_request=change)


def test_withdraw_then_no_decision(portal, staff_client):
    change = changes.change_request_submit_profile(
        actor=portal.user, enterprise=portal.enterprise, data={"contact_person": "李"}
    )
    url = reverse("portal:change_withdraw", args=[change.pk])
    assert "确认撤回" in portal.client.get(url).content.decode()
    assert portal.client.post(url).status_code == 302
    change.refresh_from_db()
    assert change.status == Status.WITHDRAWN
    with pytest.raises(changes.ChangeRequestTransitionError):
        changes.change_request_approve(actor=staff_client.user, change_request=change)
    with pytest.raises(changes.ChangeRequestTransitionError):
        changes.change_request_withdraw(actor=portal.user, change_request=change)
    review = staff_client.get(review_url(change)).content.decode()
    assert "已撤回" in review and "提交审核结果" not in review


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({}, "没有修改任何信息"),
        ({"phone": "12345"}, "联系电话应为11位手机号"),
        ({"email": "not-an-email"}, "输入一个有效的 Email 地址"),
        ({"name": ""}, "这个字段是必填项"),
    ],
)
def test_bad_profile_input_is_refused_in_chinese(portal, changed, message):
    response = portal.client.post(
        reverse("portal:profile_edit"), profile_data(portal.enterprise, **changed)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_one_pending_profile_request_at_a_time(portal):
    changes.change_request_submit_profile(
        actor=portal.user, enterprise=portal.enterprise, data={"contact_person": "甲"}
    )
    response = portal.client.post(
        reverse("portal:profile_edit"), profile_data(portal.enterprise, contact_person="乙")
    )
    assert "已有一项“企业信息”变更正在审核" in response.content.decode()
    assert ChangeRequest.objects.count() == 1


def test_township_change_is_shown_by_name(portal, staff_client):
    from registry.models import Township

    other = Township.objects.exclude(pk=township().pk).first() or Township.objects.create(
        name="大川镇", kind=Township.Kind.TOWN
    )
    portal.client.post(
        reverse("portal:profile_edit"), profile_data(portal.enterprise, township=other.pk)
    )
    change = ChangeRequest.objects.get()
    review = staff_client.get(review_url(change)).content.decode()
    assert other.name in review
    staff_client.post(review_url(change), {"outcome": "approve"})
    portal.enterprise.refresh_from_db()
    assert portal.enterprise.township == other


# --- Services and prices ---------------------------------------------------------------------


@pytest.fixture
def catalogue():
    cleaning = ServiceCategoryFactory(
        code="t-cleaning", name="测试保洁", guide_price_min=30, guide_price_max=60
    )
    nanny = ServiceCategoryFactory(
        code="t-nanny", name="测试育儿", guide_price_min=4000, guide_price_max=8000, unit="month"
    )
    return cleaning, nanny


def offerings_post(cleaning, nanny, **extra):
    data = {
        f"offer_{cleaning.pk}": "on",
        f"price_{cleaning.pk}": "50",
        f"note_{cleaning.pk}": "",
        f"offer_{nanny.pk}": "on",
        f"price_{nanny.pk}": "9000",
        f"note_{nanny.pk}": "含住家",
    }
    data.update(extra)
    return data


def test_offerings_change_end_to_end(portal, staff_client, catalogue):
    cleaning, nanny = catalogue
    offering = ServiceOfferingFactory(enterprise=portal.enterprise, category=cleaning, price=45)

    page = portal.client.get(reverse("portal:offerings")).content.decode()
    assert "测试保洁" in page and "30.00–60.00" in page

    # A price outside the guide range is flagged and needs a confirmation.
    url = reverse("portal:offerings_edit")
    response = portal.client.post(url, offerings_post(cleaning, nanny))
    assert response.status_code == 200
    assert "以下价格超出指导价范围：“测试育儿”9000" in response.content.decode()
    assert not ChangeRequest.objects.exists()

    response = portal.client.post(url, offerings_post(cleaning, nanny, confirm_outside="on"))
    assert response.status_code == 302
    change = ChangeRequest.objects.get(kind=ChangeRequest.Kind.OFFERINGS)
    assert [row["category_name"] for row in change.changes] == ["测试保洁", "测试育儿"]
    offering.refresh_from_db()
    assert offering.price == Decimal("45.00")

    review = staff_client.get(review_url(change)).content.decode()
    assert "测试保洁（元/小时） · 收费标准" in review and "45.00" in review and "50.00" in review
    assert "未登记" in review and "超出指导价4000.00–8000.00" in review

    staff_client.post(review_url(change), {"outcome": "approve"})
    offering.refresh_from_db()
    assert offering.price == Decimal("50.00")
    assert offering.history.first().history_user == staff_client.user
    new = ServiceOffering.objects.get(enterprise=portal.enterprise, category=nanny)
    assert new.price == Decimal("9000.00") and new.note == "含住家"
    assert new.history.first().history_user == staff_client.user


def test_offerings_stale_and_unchanged(portal, staff_client, catalogue):
    cleaning, nanny = catalogue
    offering = ServiceOfferingFactory(enterprise=portal.enterprise, category=cleaning, price=45)
    unchanged = {f"offer_{cleaning.pk}": "on", f"price_{cleaning.pk}": "45"}
    response = portal.client.post(reverse("portal:offerings_edit"), unchanged)
    assert "服务项目和价格没有变化" in response.content.decode()

    change = changes.change_request_submit_offerings(
        actor=portal.user,
        enterprise=portal.enterprise,
        proposals=[changes.OfferingProposal(category=cleaning, price=Decimal("55"))],
    )
    offering.price = Decimal("40")
    record_save(actor=staff_client.user, record=offering)
    response = staff_client.post(review_url(change), {"outcome": "approve"})
    assert "以下信息已被修改：测试保洁" in response.content.decode()
    offering.refresh_from_db()
    assert offering.price == Decimal("40.00")


def test_offered_without_a_price_is_refused(portal, catalogue):
    cleaning, nanny = catalogue
    response = portal.client.post(
        reverse("portal:offerings_edit"), {f"offer_{cleaning.pk}": "on", f"price_{cleaning.pk}": ""}
    )
    assert "提供此项服务时请填写收费标准" in response.content.decode()
    response = portal.client.post(
        reverse("portal:offerings_edit"),
        {f"offer_{cleaning.pk}": "on", f"price_{cleaning.pk}": "-5"},
    )
    assert "价格不能为负" in response.content.decode()
    assert not ChangeRequest.objects.exists()


# --- Licences --------------------------------------------------------------------------------


def qualification_post(**extra):
    data = {
        "kind": EnterpriseQualification.Kind.HR_SERVICE,
        "name": "",
        "number": "HR-2025-001",
        "issuer": "舟曲县人力资源和社会保障局",
        "valid_from": "2025-03-01",
        "valid_to": "2030-02-28",
        "attachment": jpeg_with_exif(),
    }
    data.update(extra)
    return data


def test_qualification_upload_end_to_end(portal, staff_client):
    response = portal.client.post(reverse("portal:qualification_add"), qualification_post())
    assert response.status_code == 302
    change = ChangeRequest.objects.get(kind=ChangeRequest.Kind.QUALIFICATION)
    assert change.changes["number"] == "HR-2025-001"
    with change.attachment.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()  # metadata stripped on upload
    assert not EnterpriseQualification.objects.filter(enterprise=portal.enterprise).exists()
    page = portal.client.get(reverse("portal:qualifications")).content.decode()
    assert "待审核" in page and "HR-2025-001" in page

    review = staff_client.get(review_url(change)).content.decode()
    assert "人力资源服务许可证" in review and "查看附件" in review
    assert staff_client.get(change.attachment.url).status_code == 200

    staff_client.post(review_url(change), {"outcome": "approve"})
    document = EnterpriseQualification.objects.get(enterprise=portal.enterprise)
    assert document.verified and document.number == "HR-2025-001"
    assert str(document.valid_to) == "2030-02-28"
    assert document.scan.name.startswith("enterprises/qualifications/")
    assert document.history.first().history_user == staff_client.user
    page = portal.client.get(reverse("portal:qualifications")).content.decode()
    assert "人力资源服务许可证" in page and "有效" in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {
                "attachment": SimpleUploadedFile(
                    "x.pdf", b"just text", content_type="application/pdf"
                )
            },
            "文件类型不支持",
        ),
        ({"attachment": ""}, "请上传证照扫描件或照片"),
        ({"valid_to": "2024-01-01"}, "有效期止必须晚于有效期起"),
        ({"kind": "other"}, "请填写证照名称"),
        ({"valid_from": "2025-02-30"}, "输入一个有效的日期"),
    ],
)
def test_bad_qualification_is_refused(portal, extra, message):
    response = portal.client.post(reverse("portal:qualification_add"), qualification_post(**extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_rejected_licence_is_not_recorded(portal, staff_client):
    change = changes.change_request_submit_qualification(
        actor=portal.user,
        enterprise=portal.enterprise,
        data={"kind": "licence", "valid_from": "2025-01-01", "valid_to": None},
        scan=jpeg_with_exif(),
    )
    changes.change_request_reject(
        actor=staff_client.user, change_request=change, reason="扫描件不清晰，请重新上传。"
    )
    assert not EnterpriseQualification.objects.exists()
    with pytest.raises(ValidationError):
        changes.change_request_reject(actor=staff_client.user, change_request=change, reason="x")
    assert "扫描件不清晰" in portal.client.get(reverse("portal:qualifications")).content.decode()


def test_admin_lists_filter_by_status_kind_and_enterprise(portal, staff_client):
    changes.change_request_submit_profile(
        actor=portal.user, enterprise=portal.enterprise, data={"contact_person": "甲"}
    )
    url = reverse("admin:registry_changerequest_changelist")
    for query in (
        {"status__exact": "pending"},
        {"kind__exact": "profile"},
        {"enterprise__id__exact": portal.enterprise.pk},
    ):
        response = staff_client.get(url, query)
        assert response.status_code == 200 and portal.enterprise.name in response.content.decode()
    assert "审核" in staff_client.get(url).content.decode()
