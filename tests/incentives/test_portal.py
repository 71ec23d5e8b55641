"""The portal's incentive pages: opting in and out of resident measures (refused, with the
service's reason, to B-graded and key-listed enterprises), recording a redemption in two
steps with the resident's SMS code, listing and exporting redemptions, and applying for
support and training places; another enterprise's participations, redemptions and
applications answer 404 to every request and nothing changes."""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.personal_data import phone_protect
from incentives.models import (
    BookingOffer,
    BookingRequest,
    Participation,
    Redemption,
    SupportApplication,
)
from incentives.portal_urls import urlpatterns as incentives_portal_urls
from registry.models import VerificationCode
from tests.factories.incentives import (
    ProgrammeFactory,
    ResidentFactory,
    default_catalogue,
    grade,
    join,
    key_list,
)
from tests.factories.registry import (
    EmploymentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
    WorkerFactory,
    township,
)
from tests.portal_clients import portal_client

from .conftest import TODAY, last_code

pytestmark = pytest.mark.django_db


def url(name: str, pk=None) -> str:
    return reverse(f"portal:{name}", args=[pk] if pk is not None else [])


def page(client, name: str, pk=None) -> str:
    response = client.get(url(name, pk))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def catalogue():
    measures, _groups = default_catalogue()
    return measures


@pytest.fixture
def chengxin(catalogue):
    """An AA enterprise taking part in every resident measure, with one worker."""
    enterprise = EnterpriseFactory(name="舟曲县诚信家政服务有限公司")
    grade(enterprise, "AA")
    join(enterprise, *(m for m in catalogue.values() if m.audience == "resident"))
    client = portal_client(enterprise)
    client.worker = EmploymentFactory(
        enterprise=enterprise, worker=WorkerFactory(name="卓玛草")
    ).worker
    return client


@pytest.fixture
def order(chengxin, sms):
    resident = ResidentFactory(name="杨秀英", mobile="13909411234")
    category = ServiceCategoryFactory(name="居家保洁（门户测试）")
    return {
        "mobile": "13909411234",
        "id_last4": resident.id_last4,
        "category": category.pk,
        "order_amount": "200",
        "served_on": TODAY.isoformat(),
        "worker": chengxin.worker.pk,
        "action": "send",
    }


def send(client, data, capture) -> object:
    with capture(execute=True):
        return client.post(url("incentives_redemption_new"), data)


# --- Measures and opting in ------------------------------------------------------------------


def test_an_enterprise_opts_in_and_out_of_a_resident_measure(catalogue):
    enterprise = EnterpriseFactory()
    grade(enterprise, "AA")
    client = portal_client(enterprise)
    measure = catalogue["resident-discount"]
    listing = page(client, "incentives_measures")
    assert measure.title in listing and "参与此项措施" in listing
    assert "AA 诚信良好" in listing
    response = client.post(url("incentives_measure_join", measure.pk), follow=True)
    assert f"已参与“{measure.title}”" in response.content.decode()
    participation = Participation.objects.get(enterprise=enterprise, measure=measure)
    assert participation.status == Participation.Status.ACTIVE
    assert participation.history.latest().history_user == client.account.user
    withdraw = url("incentives_participation_withdraw", participation.pk)
    assert "确认退出" in client.get(withdraw).content.decode()  # asks first
    participation.refresh_from_db()
    assert participation.status == Participation.Status.ACTIVE
    client.post(withdraw)
    participation.refresh_from_db()
    assert participation.status == Participation.Status.WITHDRAWN
    assert "尚未参与面向居民的激励措施" in page(client, "home")
    client.post(url("incentives_measure_join", measure.pk))
    participation.refresh_from_db()
    assert participation.status == Participation.Status.ACTIVE


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda e: grade(e, "B"), "B级（诚信警示）主体不能参加守信激励"),
        (lambda e: (grade(e, "AAA"), key_list(e)), "已被列入严重失信重点管理名单"),
        (lambda e: None, "暂无正式确定的信用评价结果"),
    ],
)
def test_the_service_refuses_b_key_listed_and_unrated_enterprises_with_its_reason(
    catalogue, setup, reason
):
    enterprise = EnterpriseFactory()
    setup(enterprise)
    client = portal_client(enterprise)
    measure = catalogue["resident-discount"]
    listing = page(client, "incentives_measures")
    assert "暂不能参与" in listing and reason in listing
    response = client.post(url("incentives_measure_join", measure.pk), follow=True)
    assert f"不能参与“{measure.title}”" in response.content.decode()
    assert reason in response.content.decode()
    assert not Participation.objects.exists()


# --- Redemptions -----------------------------------------------------------------------------


def test_a_redemption_in_two_steps_with_the_residents_sms_code(
    chengxin, order, sms, django_capture_on_commit_callbacks
):
    response = send(chengxin, order, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert sms and sms[-1][0] == order["mobile"] and "舟曲县诚信家政服务有限公司" in sms[-1][1]
    step2 = page(chengxin, "incentives_redemption_new")
    assert "第2步" in step2 and "139****1234" in step2 and "200" in step2
    sessions = str([s.get_decoded() for s in Session.objects.all()])
    assert "portal_redemption_order" in sessions and "13909411234" not in sessions
    assert not Redemption.objects.exists()
    response = chengxin.post(
        url("incentives_redemption_new"), {"action": "confirm", "code": last_code(sms)}
    )
    redemption = Redemption.objects.get()
    assert response.status_code == 302 and response.url == url(
        "incentives_redemption", redemption.pk
    )
    assert redemption.enterprise == chengxin.enterprise
    assert redemption.worker == chengxin.worker and redemption.sms_confirmed
    assert redemption.recorded_by == chengxin.account.user
    assert redemption.order_amount == Decimal("200.00") and redemption.discount_amount > 0
    detail = page(chengxin, "incentives_redemption", redemption.pk)
    assert "核销已登记" in detail and "优惠计算说明" in detail and "杨秀英" in detail
    listing = page(chengxin, "incentives_redemptions")
    assert "杨秀英" in listing and "本月" in listing
    home = page(chengxin, "home")
    assert "本月核销 <strong>1</strong> 笔" in home
    # The code cannot be used again, and the session no longer holds the order.
    assert "第1步" in page(chengxin, "incentives_redemption_new")


def test_the_export_holds_only_the_enterprises_own_redemptions_masked(
    chengxin, order, sms, django_capture_on_commit_callbacks
):
    send(chengxin, order, django_capture_on_commit_callbacks)
    chengxin.post(url("incentives_redemption_new"), {"action": "confirm", "code": last_code(sms)})
    other = EnterpriseFactory(name="别家家政公司")
    Redemption.objects.create(
        resident=ResidentFactory(name="别家的居民"),
        enterprise=other,
        category=Redemption.objects.get().category,
        served_on=TODAY,
        order_amount=100,
        discount_percent=0,
        discount_amount=0,
        paid_amount=100,
    )
    response = chengxin.get(url("incentives_redemption_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "杨秀英" in cells and "别家的居民" not in cells and "别家家政公司" not in cells
    assert "13909411234" not in cells and "139****1234" in cells


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_last4": "0000"}, "没有找到与该手机号和身份证后四位相符的居民"),
        ({"order_amount": "0"}, "订单金额应大于0元"),
        ({"order_amount": "abc"}, "订单金额请填写数字"),
        ({"mobile": ""}, "请填写居民的手机号码"),
        ({"category": ""}, "请选择服务项目"),
        ({"served_on": "2025-11-21"}, "服务日期不能晚于今天"),
        ({"served_on": "2025-10-01"}, "只能登记30天内完成的服务"),
        ({"order_amount": "100001"}, "订单金额不能超过100000元"),
    ],
)
def test_bad_orders_are_refused_in_chinese_and_send_no_code(
    chengxin, order, sms, django_capture_on_commit_callbacks, changes, message
):
    response = send(chengxin, {**order, **changes}, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and message in response.content.decode()
    assert not sms and not VerificationCode.objects.exists()
    assert not Redemption.objects.exists()


def test_only_the_enterprises_current_workers_can_be_named(
    chengxin, order, sms, django_capture_on_commit_callbacks
):
    stranger = EmploymentFactory(enterprise=EnterpriseFactory()).worker
    form = page(chengxin, "incentives_redemption_new")
    assert "卓玛草" in form and stranger.name not in form
    response = send(chengxin, {**order, "worker": stranger.pk}, django_capture_on_commit_callbacks)
    assert "请从本企业在职人员中选择服务人员" in response.content.decode()
    assert not sms


def test_a_wrong_code_is_refused_and_records_nothing(
    chengxin, order, sms, django_capture_on_commit_callbacks
):
    send(chengxin, order, django_capture_on_commit_callbacks)
    wrong = "000000" if last_code(sms) != "000000" else "111111"
    for code, message in [(wrong, "验证码不正确，还可以再试4次"), ("12ab", "验证码为6位数字")]:
        response = chengxin.post(
            url("incentives_redemption_new"), {"action": "confirm", "code": code}
        )
        assert response.status_code == 200 and message in response.content.decode()
    assert not Redemption.objects.exists()


def test_a_confirmation_without_a_pending_order_records_nothing(chengxin, sms):
    response = chengxin.post(
        url("incentives_redemption_new"), {"action": "confirm", "code": "123456"}, follow=True
    )
    assert "核销信息已失效" in response.content.decode()
    assert not Redemption.objects.exists()


# --- Support and training applications ---------------------------------------------------------


def test_an_application_is_submitted_followed_and_withdrawn(chengxin):
    programme = ProgrammeFactory(title="家政服务业发展专项资金（门户）")
    listing = page(chengxin, "incentives_programmes")
    assert programme.title in listing and url("incentives_apply", programme.pk) in listing
    response = chengxin.post(
        url("incentives_apply", programme.pk),
        {"statement": "连续两年AA级，吸纳就业30人。", "contact_person": "马经理",
         "contact_phone": "0941-5121234"},
    )  # fmt: skip
    application = SupportApplication.objects.get()
    assert response.status_code == 302
    assert response.url == url("incentives_application", application.pk)
    assert application.enterprise == chengxin.enterprise
    assert application.submitted_by == chengxin.account.user
    assert "已提交" in page(chengxin, "incentives_application", application.pk)
    assert "已申报" in page(chengxin, "incentives_programmes")
    assert "等待评审" in page(chengxin, "home")
    chengxin.post(url("incentives_application_withdraw", application.pk))
    application.refresh_from_db()
    assert application.status == SupportApplication.Status.WITHDRAWN


def test_a_training_application_names_current_workers_only(chengxin):
    programme = ProgrammeFactory(kind="training", title="育婴员培训班")
    stranger = EmploymentFactory(enterprise=EnterpriseFactory()).worker
    data = {"statement": "申请2个名额", "contact_person": "马经理", "contact_phone": "13909410001"}
    response = chengxin.post(
        url("incentives_apply", programme.pk), {**data, "trainees": [stranger.pk]}
    )
    assert "请从本企业在职人员中选择参训人员" in response.content.decode()
    response = chengxin.post(url("incentives_apply", programme.pk), data)
    assert "请选择参训人员" in response.content.decode()
    assert not SupportApplication.objects.exists()
    chengxin.post(url("incentives_apply", programme.pk), {**data, "trainees": [chengxin.worker.pk]})
    application = SupportApplication.objects.get()
    assert list(application.trainees.all()) == [chengxin.worker] and application.places == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"statement": "  "}, "请填写申报说明"),
        ({"contact_person": ""}, "请填写联系人"),
        ({"contact_phone": "12345"}, "电话"),
    ],
)
def test_bad_applications_are_refused_in_chinese(chengxin, changes, message):
    programme = ProgrammeFactory()
    data = {"statement": "申报", "contact_person": "马经理", "contact_phone": "13909410001"}
    response = chengxin.post(url("incentives_apply", programme.pk), {**data, **changes})
    assert response.status_code == 200 and message in response.content.decode()
    assert not SupportApplication.objects.exists()


def test_a_closed_programme_or_a_second_application_is_refused(chengxin):
    closed = ProgrammeFactory(opens_on=TODAY.replace(day=1), closes_on=TODAY.replace(day=10))
    data = {"statement": "申报", "contact_person": "马经理", "contact_phone": "13909410001"}
    response = chengxin.post(url("incentives_apply", closed.pk), data)
    assert "当前不在申报期内" in response.content.decode()
    programme = ProgrammeFactory()
    chengxin.post(url("incentives_apply", programme.pk), data)
    response = chengxin.post(url("incentives_apply", programme.pk), data)
    assert "已申报此项目" in response.content.decode()
    assert SupportApplication.objects.count() == 1


# --- Access: only the enterprise's own records ---------------------------------------------------


def state() -> tuple:
    return (
        list(Participation.objects.values_list("pk", "status", "enterprise_id")),
        list(Redemption.objects.values_list("pk", "status")),
        list(SupportApplication.objects.values_list("pk", "status")),
        list(BookingOffer.objects.values_list("pk", "status")),
        list(BookingRequest.objects.values_list("pk", "status", "enterprise_id")),
        list(Participation.townships.through.objects.values_list("pk")),
    )


def offer_to(enterprise, *, contact_name="别家的预约人", visible=True) -> BookingOffer:
    """A waiting booking offered to `enterprise` (directly; the routing has its own tests)."""
    now = timezone.now()
    booking = BookingRequest.objects.create(
        number=f"YY{BookingRequest.objects.count():012d}",
        kind="service",
        category=ServiceCategoryFactory(),
        township=township(),
        preferred_date=TODAY,
        contact_name=contact_name,
        respond_by=now + timezone.timedelta(hours=4),
        **phone_protect("13909415151", "mobile"),
    )
    return BookingOffer.objects.create(
        booking=booking,
        enterprise=enterprise,
        grade="AA",
        visible_from=now if visible else now + timezone.timedelta(hours=1),
    )


def test_another_enterprises_ids_answer_404_to_get_and_post_and_change_nothing(chengxin, catalogue):
    other = EnterpriseFactory(name="别家家政公司")
    grade(other, "AA")
    join(other, catalogue["resident-discount"])
    participation = Participation.objects.get(enterprise=other, measure__code="resident-discount")
    redemption = Redemption.objects.create(
        resident=ResidentFactory(name="别家的居民"),
        enterprise=other,
        category=ServiceCategoryFactory(),
        served_on=TODAY,
        order_amount=100,
        discount_percent=0,
        discount_amount=0,
        paid_amount=100,
    )
    application = SupportApplication.objects.create(
        programme=ProgrammeFactory(),
        enterprise=other,
        statement="别家的申报",
        contact_person="王经理",
        **phone_protect("13909410002", "contact_phone"),
    )
    join(other, catalogue["resident-priority-booking"])
    booking_participation = Participation.objects.get(
        enterprise=other, measure=catalogue["resident-priority-booking"]
    )
    offer = offer_to(other)
    foreign = {
        "incentives_booking": offer.pk,
        "incentives_booking_decline": offer.pk,
        "incentives_booking_area": booking_participation.pk,
        "incentives_participation_withdraw": participation.pk,
        "incentives_redemption": redemption.pk,
        "incentives_application": application.pk,
        "incentives_application_withdraw": application.pk,
    }
    # Measures and programmes are the county's, not an enterprise's: their ids are public.
    public = {"incentives_measure_join", "incentives_apply"}
    with_ids = {p.name for p in incentives_portal_urls if "<int:pk>" in str(p.pattern)}
    assert with_ids == set(foreign) | public
    before = state()
    for name, pk in foreign.items():
        assert chengxin.get(url(name, pk)).status_code == 404, name
        assert chengxin.post(url(name, pk), {"note": "越权"}).status_code == 404, name
        assert state() == before
    for name in (
        "incentives_measures",
        "incentives_redemptions",
        "incentives_programmes",
        "incentives_bookings",
    ):
        text = page(chengxin, name)
        assert "别家的居民" not in text and "别家的申报" not in text
        assert offer.booking.number not in text


def test_pages_need_a_portal_login(catalogue, admin_user):
    staff = Client()
    staff.force_login(admin_user)
    for name in ("incentives_measures", "incentives_redemptions", "incentives_redemption_new"):
        response = Client().get(url(name))
        assert response.status_code == 302 and response.url.startswith("/portal/login/")
        assert staff.get(url(name)).status_code == 403


def test_the_redemption_list_runs_a_bounded_number_of_queries(
    chengxin, catalogue, django_assert_max_num_queries
):
    category = ServiceCategoryFactory()
    for n in range(12):
        redemption = Redemption.objects.create(
            resident=ResidentFactory(),
            enterprise=chengxin.enterprise,
            worker=chengxin.worker,
            category=category,
            served_on=TODAY,
            order_amount=100 + n,
            discount_percent=0,
            discount_amount=0,
            paid_amount=100 + n,
        )
        redemption.items.create(
            measure=catalogue["resident-discount"], discount_percent=0, discount_amount=0
        )
    with django_assert_max_num_queries(12):
        assert chengxin.get(url("incentives_redemptions")).status_code == 200


def test_an_enterprise_sees_offers_reached_by_its_tier_and_the_contact_once_it_accepts(
    chengxin, catalogue
):
    join(chengxin.enterprise, catalogue["resident-priority-booking"])
    offer = offer_to(chengxin.enterprise, contact_name="王阿姨")
    later = offer_to(chengxin.enterprise, visible=False)
    listing = page(chengxin, "incentives_bookings")
    assert offer.booking.number in listing and later.booking.number not in listing
    assert chengxin.get(url("incentives_booking", later.pk)).status_code == 404
    detail = page(chengxin, "incentives_booking", offer.pk)
    assert "接单后显示" in detail and "13909415151" not in detail and "王阿姨" not in detail
    response = chengxin.post(url("incentives_booking", offer.pk), follow=True)
    text = response.content.decode()
    assert "已接单" in text and "13909415151" in text and "王阿姨" in text
    offer.booking.refresh_from_db()
    assert offer.booking.status == "accepted" and offer.booking.enterprise == chengxin.enterprise
    # The accepted booking leads to a service agreement with its township, day and number.
    link = re.search(r'href="(/portal/agreements/new/\?[^"]+)"', text).group(1)
    ServiceOfferingFactory(enterprise=chengxin.enterprise, category=offer.booking.category)
    form = chengxin.get(link.replace("&amp;", "&")).content.decode()
    assert f"预约编号{offer.booking.number}" in form and TODAY.isoformat() in form


def test_declining_needs_a_reason_and_the_booking_area_is_kept(chengxin, catalogue):
    join(chengxin.enterprise, catalogue["resident-priority-booking"])
    offer = offer_to(chengxin.enterprise)
    response = chengxin.post(
        url("incentives_booking_decline", offer.pk), {"reason": ""}, follow=True
    )
    assert "请说明不能接单的原因" in response.content.decode()
    chengxin.post(url("incentives_booking_decline", offer.pk), {"reason": "人手不足"})
    offer.refresh_from_db()
    assert offer.status == "declined" and offer.decline_reason == "人手不足"
    participation = Participation.objects.get(
        enterprise=chengxin.enterprise, measure__code="resident-priority-booking"
    )
    chengxin.post(url("incentives_booking_area", participation.pk), {"townships": [township().pk]})
    assert list(participation.townships.all()) == [township()]
    assert "城关镇" in page(chengxin, "incentives_bookings")
