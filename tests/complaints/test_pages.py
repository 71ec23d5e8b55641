"""The public complaint form and the tracking page, as residents use them."""

import io
import re
import string
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from complaints.models import Complaint, Status
from registry.selectors import worker_ref
from tests.complaints.test_handling import walk
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    WorkerFactory,
    township,
)

pytestmark = pytest.mark.django_db

NEW = "/complaints/new/"
TRACK = "/complaints/track/"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


def form_data(**overrides) -> dict:
    data = {
        "submission_token": overrides.pop("token", "f" * 32),
        "complainant_name": "张桂兰",
        "phone": "13909412222",
        "email": "",
        "township": township().pk,
        "enterprise_query": "城关镇一家保洁公司（不知道名字）",
        "enterprise_choice": "",
        "service_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "service_category": "",
        "category": "substandard",
        "description": "约好的四小时保洁只做了两个小时就走了，厨房没打扫。",
        "desired_outcome": "退还一半费用",
        "consent": "on",
        "homepage": "",
    }
    data.update(overrides)
    return data


def test_the_form_renders_without_javascript_and_with_the_privacy_notice(client):
    response = client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "个人信息告知" in html
    assert "<script" not in html
    for label in ["虚假宣传", "乱收费", "服务不达标", "财物损失", "人身安全", "服务态度", "其他"]:
        assert label in html
    assert 'enctype="multipart/form-data"' in html


def test_submit_then_see_the_tracking_number_and_follow_it(client):
    response = client.post(NEW, form_data())
    assert response.status_code == 302 and response.url == reverse("complaints:submitted")
    complaint = Complaint.objects.get()
    page = client.get(response.url).content.decode()
    assert complaint.tracking_number in page.replace(" ", "")
    assert "139****2222" in page
    # Another browser follows it with the number and the phone.
    other = client.__class__()
    lookup = other.post(
        TRACK, {"tracking_number": complaint.tracking_number.lower(), "phone": "139 0941 2222"}
    )
    assert lookup.status_code == 302
    assert "13909412222" not in lookup.url
    status_page = other.get(lookup.url).content.decode()
    assert "已提交，待受理" in status_page
    assert "已收到您的投诉" in status_page


def test_tracking_needs_both_the_number_and_the_phone(client):
    complaint = ComplaintFactory(phone="13909413333")
    wrong_phone = client.post(
        TRACK, {"tracking_number": complaint.tracking_number, "phone": "13909414444"}
    )
    unknown = client.post(TRACK, {"tracking_number": "TS20251008ABCDEF", "phone": "13909413333"})
    for response in (wrong_phone, unknown):
        assert response.status_code == 200
        html = response.content.decode()
        assert "投诉编号与手机号码不匹配" in html
        assert complaint.get_status_display() not in html
        assert complaint.enterprise.name not in html
    # Knowing the number alone, the page does not open from the URL either.
    assert (
        complaint.enterprise.name
        not in client.get(f"{TRACK}?n={complaint.tracking_number}").content.decode()
    )


def test_wrong_combinations_are_rate_limited(client, settings):
    settings.TRACKING_RATE_PER_IP = "3/h"
    complaint = ComplaintFactory(phone="13909413333")
    for _ in range(3):
        client.post(TRACK, {"tracking_number": complaint.tracking_number, "phone": "13909410000"})
    blocked = client.post(
        TRACK, {"tracking_number": complaint.tracking_number, "phone": "13909413333"}
    )
    assert blocked.status_code == 429
    assert "查询失败次数过多" in blocked.content.decode()


def test_a_reloaded_post_does_not_duplicate(client):
    first = client.post(NEW, form_data())
    again = client.post(NEW, form_data())
    assert first.status_code == again.status_code == 302
    assert Complaint.objects.count() == 1
    acknowledged = client.get(first.url).content.decode()
    assert Complaint.objects.get().tracking_number in acknowledged


def test_submissions_are_rate_limited_per_phone_with_a_chinese_message(client, settings):
    settings.COMPLAINT_RATE_PER_PHONE = "2/d"
    for index in range(2):
        client.post(
            NEW,
            form_data(
                token=f"{index}" * 32,
                description=f"第{index}次投诉：服务人员态度恶劣，还摔坏了碗。",
            ),
        )
    blocked = client.post(NEW, form_data(token="9" * 32, description="第三次投诉的内容完全不同。"))
    assert blocked.status_code == 429
    assert "提交次数过多" in blocked.content.decode()
    assert Complaint.objects.count() == 2


def test_the_honeypot_refuses_bots(client):
    response = client.post(NEW, form_data(homepage="http://spam.example"))
    assert response.status_code == 200
    assert "提交失败" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_disguised_executable_is_refused_and_nothing_is_stored(client):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "image/jpeg")
    response = client.post(NEW, {**form_data(), "attachments": [fake]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件类型不支持" in html
    assert "photo.jpg" in html
    assert not Complaint.objects.exists()


def test_attachments_are_stored_with_the_complaint(client):
    files = [SimpleUploadedFile(f"p{i}.png", png_bytes(), "image/png") for i in range(2)]
    client.post(NEW, {**form_data(), "attachments": files})
    assert Complaint.objects.get().attachments.count() == 2


def test_six_attachments_are_refused(client):
    files = [SimpleUploadedFile(f"p{i}.png", png_bytes(), "image/png") for i in range(6)]
    response = client.post(NEW, {**form_data(), "attachments": files})
    assert "最多上传5个附件" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_name_matching_several_enterprises_asks_which_one(client):
    first = EnterpriseFactory(name="舟曲县安心家政服务有限公司")
    EnterpriseFactory(name="舟曲县安心保洁服务部")
    response = client.post(NEW, form_data(enterprise_query="安心"))
    html = response.content.decode()
    assert "请选择您要投诉的是哪一家" in html
    assert "舟曲县安心保洁服务部" in html and "以上都不是" in html
    chosen = client.post(NEW, form_data(enterprise_query="安心", enterprise_choice=str(first.pk)))
    assert chosen.status_code == 302
    assert Complaint.objects.get().enterprise == first


def test_none_of_these_keeps_the_residents_words(client):
    EnterpriseFactory(name="舟曲县安心家政服务有限公司")
    client.post(NEW, form_data(enterprise_query="安心月嫂", enterprise_choice="none"))
    complaint = Complaint.objects.get()
    assert complaint.enterprise is None and complaint.enterprise_text == "安心月嫂"


def test_an_exact_name_links_the_enterprise(client):
    enterprise = EnterpriseFactory(name="舟曲县安心家政服务有限公司")
    client.post(NEW, form_data(enterprise_query="舟曲县安心家政服务有限公司"))
    assert Complaint.objects.get().enterprise == enterprise


def test_coming_from_a_workers_card_prefills_worker_and_employer(client):
    worker = WorkerFactory(name="马小梅")
    employer = EnterpriseFactory(name="舟曲县巧手家政")
    EmploymentFactory(worker=worker, enterprise=employer)
    ref = worker_ref(worker)
    page = client.get(f"{NEW}?worker={ref}").content.decode()
    assert "马小梅" in page and "舟曲县巧手家政" in page
    assert worker.id_number_masked not in page
    client.post(
        NEW,
        form_data(
            worker_ref=ref, enterprise_query=employer.name, enterprise_choice=str(employer.pk)
        ),
    )
    complaint = Complaint.objects.get()
    assert complaint.worker == worker and complaint.enterprise == employer
    # A forged reference names nobody.
    client.post(
        NEW,
        form_data(
            token="g" * 32,
            worker_ref=f"{worker.pk}:forged",
            description="另一件事，完全不同的描述文字在这里。",
        ),
    )
    assert Complaint.objects.order_by("-id").first().worker is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "1234", "手机号码应为11位数字"),
        ("complainant_name", "", "请填写您的姓名"),
        ("service_date", "2099-01-01", "服务日期不能晚于今天"),
        ("service_date", "昨天", "请填写正确的日期"),
        ("category", "bribery", "所选的投诉类别不在可选范围内，请重新选择"),
        ("description", "太差了", "发生了什么至少要写10个字，现在只有3个字"),
        ("consent", "", "请阅读个人信息告知并勾选同意"),
        ("township", "999999", "所选的乡镇不在列表中，请重新选择"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_stores_nothing(client, field, value, message):
    data = form_data(**{field: value})
    if value == "":
        data.pop(field)
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


FIELDS = [
    "complainant_name",
    "phone",
    "email",
    "township",
    "enterprise_query",
    "enterprise_choice",
    "service_date",
    "service_category",
    "category",
    "description",
    "desired_outcome",
    "consent",
    "homepage",
    "worker_ref",
    "submission_token",
]
ANY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF), max_size=120
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    overrides=st.dictionaries(
        st.sampled_from(FIELDS),
        ANY_TEXT | st.sampled_from(["", "0", "-1", "none", "1" * 500]),
        max_size=6,
    )
)
def test_any_input_gives_a_page_never_a_server_error(client, overrides):
    data = form_data(**overrides)
    response = client.post(NEW, data)
    assert response.status_code in (200, 302, 429)
    if response.status_code == 200:
        html = response.content.decode()
        assert re.search(r"errorlist|form-errors", html)
        assert "This field" not in html and "Enter a valid" not in html


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(number=ANY_TEXT, phone=st.text(alphabet=string.digits + " +-", max_size=20) | ANY_TEXT)
def test_any_tracking_input_gives_a_page_never_a_server_error(client, number, phone):
    response = client.post(TRACK, {"tracking_number": number, "phone": phone})
    assert response.status_code in (200, 429)


def test_the_resident_rates_a_closed_case_once(client, django_user_model):
    officer = django_user_model.objects.create_user(username="o", password="pw", is_staff=True)
    complaint = walk(ComplaintFactory(phone="13909415555"), officer, to=Status.CLOSED)
    client.post(TRACK, {"tracking_number": complaint.tracking_number, "phone": "13909415555"})
    page = client.get(f"{TRACK}?n={complaint.tracking_number}").content.decode()
    assert "请评价本次投诉的办理" in page
    rated = client.post(
        reverse("complaints:rate"),
        {"tracking_number": complaint.tracking_number, "satisfaction": "5", "comment": "很及时"},
    )
    assert rated.status_code == 302
    complaint.refresh_from_db()
    assert complaint.satisfaction == 5 and complaint.satisfaction_comment == "很及时"
    after = client.get(rated.url).content.decode()
    assert "感谢您的评价" in after and "请评价本次投诉的办理" not in after


def test_rating_needs_the_tracking_session(client, django_user_model):
    officer = django_user_model.objects.create_user(username="o", password="pw", is_staff=True)
    complaint = walk(ComplaintFactory(), officer, to=Status.CLOSED)
    response = client.post(
        reverse("complaints:rate"),
        {"tracking_number": complaint.tracking_number, "satisfaction": "1"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.satisfaction is None


@pytest.mark.parametrize("value", ["¹", "²3", "٣"])
def test_digit_like_characters_in_ids_are_not_a_server_error(client, value):
    """str.isdigit() accepts '¹', which int() refuses: ids are checked with isdecimal()."""
    assert client.get(f"{NEW}?enterprise={value}").status_code == 200
    response = client.post(NEW, form_data(enterprise_choice=value))
    assert response.status_code in (200, 302)
