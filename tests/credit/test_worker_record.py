"""The worker's own record (/rated_workers/): sign-in by mobile and SMS code without telling who is
registered, the code limits, the idle lapse and sign-out; the summary, the rating explained,
the records within disclosure; an objection during publicity and a repair request lodged by
the worker and decided by staff as before."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from credit.models import CreditEvent, EventKind, Objection, RepairRequest
from credit.services.objections import objection_decide
from credit.services.repair import repair_decide
from registry.models import VerificationCode
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import PUBLISHED_AT
from tests.factories.registry import HealthCertificateFactory, TrainingFactory

from .worker_sign_in import (
    NOBODYS_MOBILE,
    OUR_MOBILE,
    last_code,
    send,
    set_mobile,
    sign_in,
    verify,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


def normalised(response) -> str:
    """The page without what differs between any two requests (the CSRF token) and the
    number typed in."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"138\*\*\*\*\d{4}|1380941\d{4}", "<number>", html)


# --- Signing in ----------------------------------------------------------------------------


def test_a_worker_signs_in_with_the_code_sent_to_their_mobile(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    response = send(client, OUR_MOBILE, django_capture_on_commit_callbacks)
    assert "第二步：输入短信验证码" in response.content.decode()
    assert [number for number, _ in sms] == [OUR_MOBILE]
    assert "信用档案" in sms[0][1]
    old_key = client.session.session_key
    response = verify(client, OUR_MOBILE, last_code(sms))
    assert response.status_code == 302 and response.url == reverse("workers:record")
    assert client.session.session_key != old_key  # cycled at sign-in
    assert "卓玛草的信用档案" in client.get(reverse("workers:record")).content.decode()


def test_sending_answers_the_same_for_an_unregistered_number_and_sends_nothing(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    registered = send(client, OUR_MOBILE, django_capture_on_commit_callbacks)
    unregistered = send(client, NOBODYS_MOBILE, django_capture_on_commit_callbacks)
    assert registered.status_code == unregistered.status_code == 200
    assert normalised(registered) == normalised(unregistered)
    assert [number for number, _ in sms] == [OUR_MOBILE]
    assert not VerificationCode.objects.filter(mobile_masked__endswith="7999").exists()


def test_a_second_request_within_a_minute_answers_the_same_and_sends_nothing_more(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    first = send(client, OUR_MOBILE, django_capture_on_commit_callbacks)
    again = send(client, OUR_MOBILE, django_capture_on_commit_callbacks)
    assert normalised(first) == normalised(again)
    assert len(sms) == 1
    assert verify(client, OUR_MOBILE, last_code(sms)).status_code == 302


def test_a_number_two_workers_share_gets_no_code(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    set_mobile(rated_workers["theirs"], OUR_MOBILE)
    send(client, OUR_MOBILE, django_capture_on_commit_callbacks)
    assert sms == []


@pytest.mark.parametrize("mobile", [OUR_MOBILE, NOBODYS_MOBILE])
def test_a_wrong_code_gets_one_message_whoever_the_number_belongs_to(
    client, rated_workers, sms, django_capture_on_commit_callbacks, mobile
):
    send(client, mobile, django_capture_on_commit_callbacks)
    response = verify(client, mobile, "000000" if sms and last_code(sms) != "000000" else "111111")
    page = response.content.decode()
    assert response.status_code == 200
    assert "验证码不正确或已失效" in page
    assert "还可以再试" not in page
    assert "workers:record" not in page and not client.session.get("credit_worker")


def test_five_wrong_codes_lock_the_code(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    send(client, OUR_MOBILE, django_capture_on_commit_callbacks)
    code = last_code(sms)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        verify(client, OUR_MOBILE, wrong)
    response = verify(client, OUR_MOBILE, code)
    assert response.status_code == 200
    assert "验证码不正确或已失效" in response.content.decode()


def test_a_code_signs_in_once(client, rated_workers, sms, django_capture_on_commit_callbacks):
    send(client, OUR_MOBILE, django_capture_on_commit_callbacks)
    code = last_code(sms)
    assert verify(client, OUR_MOBILE, code).status_code == 302
    client.post(reverse("workers:sign_out"))
    assert verify(client, OUR_MOBILE, code).status_code == 200


@pytest.mark.parametrize("mobile", [OUR_MOBILE, NOBODYS_MOBILE])
def test_sending_is_limited_per_number_alike(
    client, rated_workers, sms, clock, django_capture_on_commit_callbacks, mobile
):
    for _ in range(5):
        send(client, mobile, django_capture_on_commit_callbacks)
        clock.shift(datetime.timedelta(seconds=61))
    response = send(client, mobile, django_capture_on_commit_callbacks)
    assert "该手机号获取验证码过于频繁，请1小时后再试。" in response.content.decode()


def test_sending_is_limited_per_address(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    for index in range(10):
        send(client, f"1370941{index:04d}", django_capture_on_commit_callbacks)
    response = send(client, "13709419999", django_capture_on_commit_callbacks)
    assert "获取验证码的次数过多，请1小时后再试。" in response.content.decode()


@pytest.mark.parametrize(
    ("mobile", "message"),
    [
        ("", "请填写手机号码。"),
        ("12345", "手机号码应为11位数字，以1开头，例如13909410000。"),
        ("abc\u00e9", "手机号码应为11位数字，以1开头，例如13909410000。"),
    ],
)
def test_a_bad_number_gets_a_clear_message(client, rated_workers, sms, mobile, message):
    response = client.post(reverse("workers:sign_in"), {"action": "send", "mobile": mobile})
    assert message in response.content.decode()
    assert sms == []


def test_a_short_code_gets_a_clear_message(client, rated_workers):
    response = verify(client, OUR_MOBILE, "12")
    assert "短信验证码至少要写6个字" in response.content.decode()


def test_the_session_lapses_after_thirty_idle_minutes(
    client, rated_workers, sms, clock, django_capture_on_commit_callbacks
):
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    clock.shift(datetime.timedelta(minutes=29))
    assert client.get(reverse("workers:record")).status_code == 200
    clock.shift(datetime.timedelta(minutes=29))  # each request renews the thirty minutes
    assert client.get(reverse("workers:record")).status_code == 200
    clock.shift(datetime.timedelta(minutes=31))
    response = client.get(reverse("workers:record"))
    assert response.status_code == 302 and response.url == reverse("workers:sign_in")


def test_signing_out_ends_the_session(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    assert client.get(reverse("workers:sign_out")).status_code == 405  # a button, not a link
    response = client.post(reverse("workers:sign_out"), follow=True)
    assert "您已退出本人信用档案。" in response.content.decode()
    assert client.get(reverse("workers:record")).url == reverse("workers:sign_in")


# --- The record ---------------------------------------------------------------------------


def test_the_record_shows_the_workers_own_dossier_and_credit(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    worker = rated_workers["ours"]
    HealthCertificateFactory(
        worker=worker, valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 12, 10)
    )
    TrainingFactory(worker=worker, course="母婴护理提升班")
    CreditEventFactory(
        worker=worker,
        kind=EventKind.SUBSTANTIATED_COMPLAINT,
        title="早已过了公示期的记录",
        occurred_on=datetime.date(2021, 1, 5),
        disclosure_until=datetime.date(2022, 1, 5),
    )
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    page = client.get(reverse("workers:record")).content.decode()
    employer = worker.employments.get().enterprise.name
    assert "卓玛草的信用档案" in page and employer in page
    assert "有效期至2025年12月10日" in page and "即将到期" in page
    assert "母婴护理提升班" in page
    assert "卓玛草服务不达标" in page and "申请信用修复" in page
    assert "早已过了公示期的记录" not in page
    assert "2025年度" in page and "公示期内提出异议" in page
    assert "杨建国" not in page
    assert worker.id_number_masked not in page and OUR_MOBILE not in page


def test_the_rating_is_explained_indicator_by_indicator(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    response = client.get(reverse("workers:rating", args=[rated_workers["rating"].pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "各项指标得分" in page and "re-table" in page
    assert f"总分 <strong>{rated_workers['rating'].total}</strong>" in page


def test_a_draft_rating_is_not_shown(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    rating = rated_workers["rating"]
    rating.status = rating.Status.DRAFT
    rating.save()
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    assert client.get(reverse("workers:rating", args=[rating.pk])).status_code == 404
    assert "暂无公示或正式确定的评价结果" in client.get(reverse("workers:record")).content.decode()


# --- Objections and repair ----------------------------------------------------------------


def test_the_worker_objects_during_publicity_and_staff_decide_as_before(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    url = reverse("workers:objection_new", args=[rated_workers["rating"].pk])
    response = client.post(url, {"reasons": "投诉已经调解，不应扣分。"}, follow=True)
    assert "异议已提交" in response.content.decode()
    objection = Objection.objects.get()
    assert objection.submitted_by_worker == rated_workers["ours"] and objection.submitted_by is None
    assert objection.history.get().history_change_reason == "从业人员本人提交"
    assert "待处理" in client.get(reverse("workers:record")).content.decode()
    objection_decide(
        actor=rated_workers["staff"], objection=objection, upheld=False, decision="不成立"
    )
    assert "异议不成立" in client.get(reverse("workers:record")).content.decode()


def test_an_objection_without_reasons_gets_a_clear_message(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    url = reverse("workers:objection_new", args=[rated_workers["rating"].pk])
    response = client.post(url, {"reasons": "   "})
    assert "请填写异议理由。" in response.content.decode()
    assert not Objection.objects.exists()


def test_an_objection_after_publicity_is_refused(
    client, rated_workers, sms, clock, django_capture_on_commit_callbacks
):
    clock.shift(datetime.timedelta(days=10))
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    url = reverse("workers:objection_new", args=[rated_workers["rating"].pk])
    assert "已不在异议受理期限内" in client.get(url).content.decode()
    response = client.post(url, {"reasons": "迟到的异议"})
    assert "已不在异议受理期限内" in response.content.decode()
    assert not Objection.objects.exists()


def test_the_worker_asks_for_repair_and_staff_approve_it(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    url = reverse("workers:repair_new", args=[rated_workers["penalty"].pk])
    response = client.post(url, {"reasons": "已向客户道歉并赔偿。"}, follow=True)
    assert "修复申请已提交" in response.content.decode()
    repair = RepairRequest.objects.get()
    assert repair.submitted_by_worker == rated_workers["ours"]
    assert "修复申请审核中" in client.get(reverse("workers:record")).content.decode()
    repair_decide(actor=rated_workers["staff"], request=repair, approved=True, decision="整改到位")
    repair.event.refresh_from_db()
    assert repair.event.status == CreditEvent.Status.REPAIRED
    assert "准予修复" in client.get(reverse("workers:record")).content.decode()


def test_a_positive_record_cannot_be_repaired(
    client, rated_workers, sms, django_capture_on_commit_callbacks
):
    award = CreditEventFactory(worker=rated_workers["ours"], kind=EventKind.AWARD, title="表彰")
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    url = reverse("workers:repair_new", args=[award.pk])
    response = client.post(url, {"reasons": "想修复"})
    assert "只有失信记录可以申请信用修复。" in response.content.decode()
    assert not RepairRequest.objects.exists()
