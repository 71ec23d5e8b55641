"""Residents registering online (/residents/register/), following it (/residents/status/)
and staff deciding in the admin."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core import personal_data
from incentives.models import GroupMembership, Resident
from incentives.services import eligibility, membership_reject, resident_verify
from registry.models import VerificationCode
from tests.factories.incentives import ResidentFactory, default_catalogue
from tests.factories.registry import make_id_number, township

from .conftest import last_code

pytestmark = pytest.mark.django_db

REGISTER = reverse("residents:register")
STATUS = reverse("residents:status")
MOBILE = "13909412020"
ID_NUMBER = make_id_number(datetime.date(1971, 5, 6), sequence=101)


@pytest.fixture
def groups():
    return default_catalogue()[1]


@pytest.fixture
def sent(client, sms, django_capture_on_commit_callbacks):
    """Step 1 done for MOBILE: returns the code it received."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, {"action": "send", "mobile": MOBILE})
    assert "第二步：填写登记信息" in response.content.decode()
    return last_code(sms)


def photo(name="残疾人证.jpg", size=(400, 260)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#ddeeff").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def details(code: str, **extra) -> dict:
    data = {
        "action": "register",
        "mobile": MOBILE,
        "code": code,
        "name": "卓玛吉",
        "id_number": ID_NUMBER,
        "township": township().pk,
        "group": "",
        "proof_number": "",
        "consent": "on",
        "website": "",
    }
    data.update(extra)
    return data


def test_a_resident_registers_online_and_applies_for_a_special_group(client, groups, sent):
    response = client.post(
        REGISTER, details(sent, group=groups["disabled"].pk, proof=photo()), follow=True
    )
    page = response.content.decode()
    assert "登记已提交" in page and "卓玛吉" in page and "残疾人" in page
    resident = Resident.objects.get()
    assert resident.source == Resident.Source.ONLINE and not resident.is_verified
    assert resident.mobile_hash == personal_data.phone_hash(MOBILE)
    assert resident.id_number_masked == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    assert resident.credit_status == Resident.CreditStatus.GOOD
    membership = GroupMembership.objects.get()
    assert membership.status == GroupMembership.Status.PENDING and not membership.is_verified
    assert membership.proof.name.startswith("residents/proofs/")
    # The proof is protected media: a stranger cannot open it.
    assert client.get(f"/media/{membership.proof.name}").status_code in (302, 403, 404)
    # Neither the ID number nor the mobile is stored or shown in clear.
    assert ID_NUMBER not in str(Resident.objects.values().get()) and MOBILE not in page
    assert VerificationCode.objects.get().used_at is not None


def test_an_online_registration_gives_no_benefits_until_staff_verify_it(
    client, groups, sent, django_user_model
):
    client.post(REGISTER, details(sent))
    resident = Resident.objects.get()
    result = eligibility(subject=resident)
    assert not result.applicable
    assert any("正等待工作人员核实" in c.text for v in result.verdicts for c in v.checks)
    staff = django_user_model.objects.create_user("xinyong", is_staff=True)
    resident = resident_verify(actor=staff, resident=resident)
    assert eligibility(subject=resident).applicable


def test_the_first_step_answers_alike_for_registered_and_unknown_mobiles(
    client, sms, django_capture_on_commit_callbacks
):
    ResidentFactory(mobile="13909413030", name="才让吉")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(REGISTER, {"action": "send", "mobile": "13909413030"})
        unknown = client.post(REGISTER, {"action": "send", "mobile": "13909414040"})
    normalise = {"3030": "XXXX", "4040": "XXXX"}
    texts = []
    for response in (known, unknown):
        text = response.content.decode()
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
        for digits, mask in normalise.items():
            text = text.replace(digits, mask)
        texts.append(text)
    assert texts[0] == texts[1]
    assert "才让吉" not in texts[0] and len(sms) == 2


def test_an_id_number_registered_under_another_mobile_gets_the_neutral_answer(client, groups, sent):
    other = ResidentFactory(mobile="13909415050", name="杨秀英", id_number=ID_NUMBER)
    response = client.post(REGISTER, details(sent), follow=True)
    page = response.content.decode()
    assert "请到窗口办理登记" in page and "携带身份证" in page
    assert "杨秀英" not in page and other.mobile_masked not in page
    assert Resident.objects.count() == 1
    # The code is used up: probing a second ID number needs a new SMS.
    again = client.post(REGISTER, details(sent, id_number=make_id_number(sequence=7)))
    assert "验证码已失效或未获取" in again.content.decode()
    assert Resident.objects.count() == 1


def test_the_same_mobile_is_told_it_registered_before_only_after_the_code(client, groups, sent):
    ResidentFactory(mobile=MOBILE, name="卓玛吉", id_number=ID_NUMBER)
    wrong = client.post(REGISTER, details("000000" if sent != "000000" else "111111"))
    assert "您已经登记过了" not in wrong.content.decode()
    assert "验证码不正确" in wrong.content.decode()
    response = client.post(
        REGISTER, details(sent, group=groups["dibao"].pk, proof=photo()), follow=True
    )
    page = response.content.decode()
    assert "您已经登记过了" in page and "低保" in page
    assert Resident.objects.count() == 1
    assert GroupMembership.objects.get().status == GroupMembership.Status.PENDING


def test_wrong_codes_register_nothing_and_lock_the_code(client, groups, sent):
    wrong = "000000" if sent != "000000" else "111111"
    for left in (4, 3, 2, 1):
        page = client.post(REGISTER, details(wrong)).content.decode()
        assert f"还可以再试{left}次" in page
    client.post(REGISTER, details(wrong))
    page = client.post(REGISTER, details(sent)).content.decode()
    assert "验证码输错次数过多" in page
    assert not Resident.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")}, "校验位不正确"),
        ({"id_number": "62302319710506"}, "身份证号应为18位"),
        ({"name": ""}, "请填写姓名"),
        ({"township": ""}, "请选择居住乡镇"),
        ({"consent": ""}, "请阅读个人信息告知并勾选同意"),
        ({"group": "disabled"}, "申请特殊群体认定，请上传证件照片"),
        (
            {
                "group": "disabled",
                "proof": SimpleUploadedFile("证件.jpg", b"not a picture at all", "image/jpeg"),
            },
            "文件类型不支持",
        ),
        (
            {
                "group": "disabled",
                "proof": SimpleUploadedFile(
                    "证件.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), "image/jpeg"
                ),
            },
            "文件过大",
        ),
        ({"group": "elderly-80"}, "所选的申请特殊群体认定不在可选范围内"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_keeps_the_code(
    client, groups, sent, changes, message
):
    changes = dict(changes)
    if changes.get("group") in groups:
        changes["group"] = groups[changes["group"]].pk
    page = client.post(REGISTER, details(sent, **changes)).content.decode()
    assert message in page, page[:3000]
    assert "提交没有成功" in page  # the error summary at the top
    assert not Resident.objects.exists()
    # The code was not used up: the corrected form goes through.
    assert client.post(REGISTER, details(sent)).status_code == 302
    assert Resident.objects.count() == 1


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_stored(client, groups, sent):
    response = client.post(REGISTER, details(sent, website="http://spam.example"), follow=True)
    assert response.status_code == 200 and "已收到" in response.content.decode()
    assert not Resident.objects.exists()
    assert VerificationCode.objects.get().used_at is None


def test_codes_are_limited_per_mobile_and_per_address(
    client, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER, {"action": "send", "mobile": MOBILE})
    again = client.post(REGISTER, {"action": "send", "mobile": MOBILE}).content.decode()
    assert "验证码已发送，请" in again and "秒后再重新获取" in again
    for n in range(8):
        client.post(REGISTER, {"action": "send", "mobile": f"1370941{n:04d}"})
    refused = client.post(REGISTER, {"action": "send", "mobile": "13709419999"})
    assert "获取验证码的次数过多" in refused.content.decode()


def test_submissions_are_limited_per_address(client, groups, sent):
    wrong = "000000" if sent != "000000" else "111111"
    for _ in range(30):
        client.post(REGISTER, details(wrong, id_number="1"))
    page = client.post(REGISTER, details(sent)).content.decode()
    assert "尝试次数过多，请1小时后再试" in page
    assert not Resident.objects.exists()


def test_the_resident_follows_the_registration_by_mobile_and_code(
    client, groups, sent, sms, django_capture_on_commit_callbacks, django_user_model, clock
):
    client.post(REGISTER, details(sent, group=groups["disabled"].pk, proof=photo()))
    assert client.get(reverse("residents:status_result")).url == STATUS
    clock.shift(datetime.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STATUS, {"action": "send", "mobile": MOBILE})
    response = client.post(STATUS, {"action": "verify", "mobile": MOBILE, "code": last_code(sms)})
    assert response.url == reverse("residents:status_result")
    page = client.get(response.url).content.decode()
    assert "卓玛吉" in page and "待核实" in page and "残疾人" in page
    assert "居民网上登记" in page and MOBILE not in page

    staff = django_user_model.objects.create_user("xinyong", is_staff=True)
    resident_verify(actor=staff, resident=Resident.objects.get())
    membership_reject(
        actor=staff, membership=GroupMembership.objects.get(), reason="照片看不清，请重新提供"
    )
    page = client.get(reverse("residents:status_result")).content.decode()
    assert "已核实" in page and "未通过" in page and "照片看不清，请重新提供" in page
    # The same session opens the benefit check, no second code needed.
    check = client.get(reverse("incentives:check_result"))
    assert check.status_code == 200 and "卓玛吉" in check.content.decode()
    client.post(reverse("residents:status_end"))
    assert client.get(reverse("residents:status_result")).status_code == 302


def test_the_status_of_an_unregistered_mobile_points_to_the_registration(
    client, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STATUS, {"action": "send", "mobile": "13909416060"})
    client.post(STATUS, {"action": "verify", "mobile": "13909416060", "code": last_code(sms)})
    page = client.get(reverse("residents:status_result")).content.decode()
    assert "这个手机号还没有登记" in page and REGISTER in page


def test_staff_verify_and_reject_in_the_admin_from_the_inbox(staff_client, groups):
    resident = ResidentFactory(name="杨建国")
    Resident.objects.filter(pk=resident.pk).update(source=Resident.Source.ONLINE, verified_at=None)
    membership = GroupMembership.objects.create(
        resident=resident, group=groups["dibao"], valid_from=datetime.date(2025, 11, 1)
    )
    other = GroupMembership.objects.create(
        resident=resident, group=groups["disabled"], valid_from=datetime.date(2025, 11, 1)
    )
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert "居民网上登记待核实" in index and "特殊群体认定待核实" in index
    residents = reverse("admin:incentives_resident_changelist")
    listed = staff_client.get(residents, {"source__exact": "online", "verified_at__isempty": "1"})
    assert listed.status_code == 200 and "杨建国" in listed.content.decode()
    staff_client.post(residents, {"action": "verify", "_selected_action": [resident.pk]})
    resident.refresh_from_db()
    assert resident.is_verified and resident.verified_by == staff_client.user

    memberships = reverse("admin:incentives_groupmembership_changelist")
    staff_client.post(memberships, {"action": "verify", "_selected_action": [membership.pk]})
    membership.refresh_from_db()
    assert membership.status == GroupMembership.Status.VERIFIED and membership.verified_at
    staff_client.post(
        memberships,
        {"action": "reject", "_selected_action": [other.pk], "confirm": "1", "reason": "证件过期"},
    )
    other.refresh_from_db()
    assert other.status == GroupMembership.Status.REJECTED
    assert other.rejection_reason == "证件过期"
    assert other.history.first().history_user == staff_client.user
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert "居民网上登记待核实" not in index and "特殊群体认定待核实" not in index


def test_a_rejected_membership_does_not_count_and_needs_a_reason(groups):
    resident = ResidentFactory()
    membership = GroupMembership.objects.create(
        resident=resident, group=groups["dibao"], valid_from=datetime.date(2025, 1, 1)
    )
    membership_reject(actor=None, membership=membership, reason="不符合条件")
    result = eligibility(subject=resident)
    assert result.pending_groups == [f"“{groups['dibao'].name}”认定未通过工作人员核实。"]
    with pytest.raises(ValidationError, match="请填写未通过的原因"):
        membership_reject(actor=None, membership=membership, reason=" ")


def test_the_registration_is_on_the_home_page_and_the_counter_texts_name_it(client, groups):
    assert REGISTER in client.get("/").content.decode()
    assert REGISTER in client.get(reverse("incentives:catalogue")).content.decode()
    page = client.get(REGISTER).content.decode()
    assert "<script" not in page and 'name="website"' not in page  # step 1 only
    assert "在网上登记" in page or "居民网上登记" in page
