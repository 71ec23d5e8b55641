"""Opinions from the public (社会监督) on ratings under publicity: the SMS-confirmed form,
its evidence, the staff's deadline and decision, and an opinion leading to a correction."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.notifications import MemorySmsBackend
from core.personal_data import phone_hash
from credit.models import Grade, Objection, PublicityOpinion, Rating
from credit.services.objections import Corrections, objection_decide
from credit.services.opinions import (
    OpinionTransitionError,
    publicity_opinion_code_send,
    publicity_opinion_decide,
    publicity_opinion_register,
    publicity_opinion_review,
    publicity_opinion_submit,
)
from credit.services.publication import (
    RatingTransitionError,
    rating_finalise,
    ratings_finalise_due,
    ratings_publish,
)
from tests.factories.credit_workflows import (
    PUBLISHED_AT,
    YEAR,
    RatingFactory,
    penalised_enterprise,
    rate_year,
    rating_of,
    use_workflow_admin,
)

pytestmark = pytest.mark.django_db

MOBILE = "13909416601"
FACTS = "该企业去年的行政处罚已被复议机关撤销，有复议决定书为证。"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)


@pytest.fixture
def contested(staff):
    """A B enterprise (57 points, one penalty) whose rating is publicised 20–26 November."""
    enterprise, penalty = penalised_enterprise()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    return {"enterprise": enterprise, "penalty": penalty, "rating": rating_of(enterprise)}


def code_for(rating, capture, mobile=MOBILE) -> str:
    import re

    with capture(execute=True):
        publicity_opinion_code_send(rating=rating, mobile=mobile)
    return re.search(r"验证码(\d{6})", MemorySmsBackend.outbox[-1][1]).group(1)


def submit(rating, code, **extra):
    return publicity_opinion_submit(
        rating=rating,
        name=extra.pop("name", "李桂芳"),
        mobile=extra.pop("mobile", MOBILE),
        code=code,
        facts=extra.pop("facts", FACTS),
        **extra,
    )


def png(size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return SimpleUploadedFile("evidence.png", buffer.getvalue(), content_type="image/png")


# --- The SMS code -----------------------------------------------------------------------------


def test_an_opinion_with_a_valid_code_is_recorded_with_a_deadline_and_protected_mobile(
    contested, sms, django_capture_on_commit_callbacks, settings
):
    settings.CREDIT_OBJECTION_DECISION_DAYS = 10
    rating = contested["rating"]
    code = code_for(rating, django_capture_on_commit_callbacks)
    opinion = submit(rating, code)
    assert opinion.status == PublicityOpinion.Status.SUBMITTED
    assert opinion.due_on == datetime.date(2025, 11, 30)  # the objection rule: 20 Nov + 10
    assert opinion.mobile_masked == "139****6601"
    assert opinion.mobile_hash == phone_hash(MOBILE)
    assert MOBILE not in opinion.mobile_encrypted
    assert opinion.registered_by is None
    assert opinion.reference == f"JD2025{opinion.pk:06d}"
    assert opinion.history.count() == 1
    # The code is used once.
    with pytest.raises(ValidationError, match="验证码"):
        submit(rating, code)


def test_an_opinion_needs_a_valid_code(contested, sms, django_capture_on_commit_callbacks):
    rating = contested["rating"]
    code = code_for(rating, django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError) as refused:
        submit(rating, wrong)
    assert "验证码不正确" in refused.value.message_dict["code"][0]
    # A code sent for another rating does not do.
    other = RatingFactory(status=Rating.Status.PUBLICISED)
    Rating.objects.filter(pk=other.pk).update(
        publicity_starts_on=rating.publicity_starts_on, publicity_ends_on=rating.publicity_ends_on
    )
    with pytest.raises(ValidationError, match="验证码已失效或未获取"):
        submit(Rating.objects.get(pk=other.pk), code)
    # Nor a code never sent.
    with pytest.raises(ValidationError, match="验证码已失效或未获取"):
        submit(rating, code, mobile="13909416602")
    assert not PublicityOpinion.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"name": "李"}, "name", "真实姓名"),
        ({"facts": "分数不对"}, "facts", "至少10个字"),
        ({"mobile": "12345"}, "mobile", "11位数字"),
    ],
)
def test_bad_input_is_refused_with_a_plain_message(contested, sms, extra, field, words):
    with pytest.raises(ValidationError) as refused:
        submit(contested["rating"], "123456", **extra)
    assert words in refused.value.message_dict[field][0]


# --- Evidence ---------------------------------------------------------------------------------


def test_evidence_is_checked_by_content_and_stored_in_the_protected_folder(
    contested, sms, django_capture_on_commit_callbacks
):
    rating = contested["rating"]
    fake = SimpleUploadedFile(
        "evidence.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    code = code_for(rating, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refused:
        submit(rating, code, evidence=fake)
    assert "文件类型不支持" in refused.value.message_dict["evidence"][0]

    opinion = submit(rating, code, evidence=png())
    assert opinion.evidence.name.startswith("credit/opinions/2025/")
    from registry.views import media_permission

    assert media_permission(opinion.evidence.name) == "credit.view_publicityopinion"


def test_evidence_too_large_is_refused(contested, settings):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        submit(contested["rating"], "123456", evidence=big)
    assert "文件过大" in refused.value.message_dict["evidence"][0]


# --- Who may receive one ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [Rating.Status.DRAFT, Rating.Status.FINAL])
def test_no_opinion_on_a_rating_not_under_publicity(status, sms):
    rating = RatingFactory(status=status)
    with pytest.raises(ValidationError, match="公示中"):
        publicity_opinion_code_send(rating=rating, mobile=MOBILE)
    assert not sms


def test_no_opinion_after_the_publicity_period(contested, sms, clock):
    clock.move_to(datetime.datetime(2025, 11, 27, 10, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError, match="已不在异议受理期限内"):
        publicity_opinion_code_send(rating=contested["rating"], mobile=MOBILE)


# --- Staff ------------------------------------------------------------------------------------


def test_staff_register_a_letter_received_during_the_period(contested, staff, clock):
    clock.move_to(datetime.datetime(2025, 11, 28, 2, tzinfo=datetime.UTC))
    opinion = publicity_opinion_register(
        actor=staff,
        rating=contested["rating"],
        name="王建国",
        mobile=MOBILE,
        facts=FACTS,
        received_on=datetime.date(2025, 11, 25),
    )
    assert opinion.registered_by == staff
    assert opinion.due_on == datetime.date(2025, 12, 5)  # counted from the day it arrived
    assert opinion.history.get().history_user == staff
    with pytest.raises(ValidationError, match="已不在异议受理期限内"):
        publicity_opinion_register(
            actor=staff,
            rating=contested["rating"],
            name="王建国",
            mobile=MOBILE,
            facts=FACTS,
            received_on=datetime.date(2025, 11, 27),
        )


def test_an_open_opinion_keeps_the_rating_publicised_until_decided(contested, staff, clock):
    opinion = publicity_opinion_register(
        actor=staff, rating=contested["rating"], name="王建国", mobile=MOBILE, facts=FACTS
    )
    clock.move_to(datetime.datetime(2025, 11, 28, 2, tzinfo=datetime.UTC))
    assert ratings_finalise_due(today=datetime.date(2025, 11, 28)) == 0
    with pytest.raises(RatingTransitionError, match="社会监督意见"):
        rating_finalise(actor=staff, rating=contested["rating"])
    publicity_opinion_review(actor=staff, opinion=opinion)
    publicity_opinion_decide(actor=staff, opinion=opinion, upheld=False, decision="经核实不属实。")
    assert ratings_finalise_due(today=datetime.date(2025, 11, 28)) == 1


def test_the_status_machine_and_decision_rules(contested, staff):
    opinion = publicity_opinion_register(
        actor=staff, rating=contested["rating"], name="王建国", mobile=MOBILE, facts=FACTS
    )
    with pytest.raises(OpinionTransitionError, match="待受理"):
        publicity_opinion_decide(actor=staff, opinion=opinion, upheld=False, decision="不属实")
    opinion = publicity_opinion_review(actor=staff, opinion=opinion)
    assert opinion.status == PublicityOpinion.Status.REVIEWING
    with pytest.raises(ValidationError, match="处理意见"):
        publicity_opinion_decide(actor=staff, opinion=opinion, upheld=False, decision=" ")
    with pytest.raises(ValidationError, match="不能转为信用异议"):
        publicity_opinion_decide(
            actor=staff, opinion=opinion, upheld=False, decision="不属实", lodge_objection=True
        )
    decided = publicity_opinion_decide(
        actor=staff, opinion=opinion, upheld=False, decision="经核实不属实。"
    )
    assert decided.status == PublicityOpinion.Status.NOT_UPHELD
    assert decided.decided_by == staff and decided.history.latest().history_user == staff
    with pytest.raises(OpinionTransitionError):
        publicity_opinion_decide(actor=staff, opinion=decided, upheld=True, decision="改判")


def test_an_upheld_opinion_leads_to_a_correction_through_an_objection(contested, staff, clock):
    rating = contested["rating"]
    assert (rating.total, rating.grade) == (Decimal("57.0"), Grade.B)
    opinion = publicity_opinion_register(
        actor=staff, rating=rating, name="王建国", mobile=MOBILE, facts=FACTS
    )
    publicity_opinion_review(actor=staff, opinion=opinion)
    # Decided after the publicity period, still within the deadline: the objection is
    # dated the day the opinion arrived.
    clock.move_to(datetime.datetime(2025, 11, 28, 2, tzinfo=datetime.UTC))
    decided = publicity_opinion_decide(
        actor=staff,
        opinion=opinion,
        upheld=True,
        decision="复议决定书属实，转为信用异议。",
        lodge_objection=True,
    )
    objection = decided.objection
    assert decided.status == PublicityOpinion.Status.UPHELD
    assert objection.status == Objection.Status.SUBMITTED
    assert objection.due_on == datetime.date(2025, 11, 30)
    assert opinion.reference in objection.reasons and FACTS in objection.reasons

    objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="行政处罚已被撤销，撤销该记录。",
        corrections=Corrections(revoke=[contested["penalty"]]),
    )
    rating.refresh_from_db()
    assert (rating.total, rating.grade) == (Decimal("62.0"), Grade.A)


# --- The public form --------------------------------------------------------------------------


def opinion_url(rating) -> str:
    return reverse("credit:publicity_opinion", args=[rating.pk])


def test_the_public_form_sends_a_code_then_records_the_opinion(
    client, contested, sms, django_capture_on_commit_callbacks
):
    rating = contested["rating"]
    page = client.get(opinion_url(rating)).content.decode()
    assert "第一步：验证手机号" in page and contested["enterprise"].name in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(opinion_url(rating), {"action": "send", "mobile": MOBILE})
    page = response.content.decode()
    assert "验证码已发送到139****6601" in page and "第二步：填写意见" in page
    import re

    code = re.search(r"验证码(\d{6})", sms[-1][1]).group(1)

    wrong = client.post(
        opinion_url(rating),
        {"action": "submit", "mobile": MOBILE, "name": "李桂芳", "code": "000001", "facts": FACTS},
    )
    assert "验证码不正确" in wrong.content.decode()
    assert not PublicityOpinion.objects.exists()

    response = client.post(
        opinion_url(rating),
        {
            "action": "submit",
            "mobile": MOBILE,
            "name": "李桂芳",
            "code": code,
            "facts": FACTS,
            "evidence": png(),
        },
    )
    assert response.status_code == 302
    opinion = PublicityOpinion.objects.get()
    receipt = client.get(response["Location"]).content.decode()
    assert opinion.reference in receipt and "2025-11-30" in receipt
    assert MOBILE not in receipt


def test_the_public_form_refuses_missing_fields_in_plain_words(client, contested):
    response = client.post(
        opinion_url(contested["rating"]),
        {"action": "submit", "mobile": MOBILE, "name": "", "code": "12", "facts": ""},
    )
    page = response.content.decode()
    assert "error-summary" in page and "这个字段是必填项" not in page
    assert not PublicityOpinion.objects.exists()


def test_the_form_after_the_period_says_so_and_a_draft_is_not_found(client, contested, clock):
    clock.move_to(datetime.datetime(2025, 11, 27, 10, tzinfo=datetime.UTC))
    page = client.get(opinion_url(contested["rating"])).content.decode()
    assert "已不在公示期内" in page and "获取短信验证码" not in page
    # Publicised still (awaiting finalisation) but outside its period: not shown.
    assert contested["enterprise"].name not in page and "57.0" not in page
    Rating.objects.filter(pk=contested["rating"].pk).update(status=Rating.Status.FINAL)
    page = client.get(opinion_url(contested["rating"])).content.decode()
    assert "已不在公示期内" in page and contested["enterprise"].name in page
    Rating.objects.filter(pk=contested["rating"].pk).update(status=Rating.Status.PUBLICISED)
    response = client.post(opinion_url(contested["rating"]), {"action": "send", "mobile": MOBILE})
    assert "获取短信验证码" not in response.content.decode()
    assert client.get(opinion_url(RatingFactory(status=Rating.Status.DRAFT))).status_code == 404


# --- The back office --------------------------------------------------------------------------


def test_staff_see_due_opinions_and_decide_in_the_admin(admin_client, contested, staff, clock):
    use_workflow_admin()
    opinion = publicity_opinion_register(
        actor=staff, rating=contested["rating"], name="王建国", mobile=MOBILE, facts=FACTS
    )
    clock.move_to(datetime.datetime(2025, 12, 2, 2, tzinfo=datetime.UTC))
    listing = admin_client.get(reverse("admin:credit_publicityopinion_changelist"))
    page = listing.content.decode()
    assert "已超期" in page and opinion.reference in page and MOBILE not in page
    overdue = admin_client.get(
        reverse("admin:credit_publicityopinion_changelist") + "?deadline=overdue"
    )
    assert opinion.reference in overdue.content.decode()

    review = reverse("admin:credit_publicityopinion_review", args=[opinion.pk])
    assert admin_client.post(review, {}).status_code == 302
    decide = reverse("admin:credit_publicityopinion_decide", args=[opinion.pk])
    response = admin_client.post(
        decide, {"outcome": "upheld_objection", "decision": "属实，转为信用异议。"}
    )
    # Decided after the period: the objection is dated the day the opinion arrived.
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == PublicityOpinion.Status.UPHELD and opinion.objection_id


def test_the_inbox_lists_open_opinions(admin_client, admin_user, contested, staff, rf):
    from django.contrib import admin

    from core.inbox import staff_inbox

    use_workflow_admin()
    publicity_opinion_register(
        actor=staff, rating=contested["rating"], name="王建国", mobile=MOBILE, facts=FACTS
    )
    request = rf.get("/admin/")
    request.user = admin_user
    rows = {row.label: row for row in staff_inbox(request, admin.site)}
    row = rows["社会监督意见待处理"]
    assert (row.waiting, row.next_due) == (1, datetime.date(2025, 11, 30))
    listing = admin_client.get(row.url)
    assert listing.status_code == 200 and "王建国" in listing.content.decode()


def test_read_only_roles_cannot_handle_opinions(client, contested, staff, django_user_model):
    from django.contrib.auth.models import Group

    from zhouqu_jiazheng.roles import LEADER

    use_workflow_admin()
    opinion = publicity_opinion_register(
        actor=staff, rating=contested["rating"], name="王建国", mobile=MOBILE, facts=FACTS
    )
    leader = django_user_model.objects.create_user("lingdao", password="pw-Test-123", is_staff=True)
    leader.groups.add(Group.objects.get(name=LEADER))
    client.force_login(leader)
    assert client.get(reverse("admin:credit_publicityopinion_changelist")).status_code == 200
    review = reverse("admin:credit_publicityopinion_review", args=[opinion.pk])
    assert client.post(review, {}).status_code == 403
    opinion.refresh_from_db()
    assert opinion.status == PublicityOpinion.Status.SUBMITTED


def test_staff_enter_a_letter_on_the_admin_add_page(admin_client, contested):
    use_workflow_admin()
    add = reverse("admin:credit_publicityopinion_add")
    assert "代为登记社会监督意见" in admin_client.get(add).content.decode()
    data = {
        "rating": contested["rating"].pk,
        "name": "王建国",
        "mobile": MOBILE,
        "facts": FACTS,
        "received_on": "2025-11-19",
    }
    refused = admin_client.post(add, data)
    assert "已不在异议受理期限内" in refused.content.decode()  # before the period
    refused = admin_client.post(add, {**data, "received_on": "2025-11-21"})
    assert "收到日期不能晚于今天" in refused.content.decode()
    response = admin_client.post(add, {**data, "received_on": "2025-11-20"})
    assert response.status_code == 302
    opinion = PublicityOpinion.objects.get()
    assert opinion.registered_by.username == "admin" and opinion.mobile_masked == "139****6601"
    page = admin_client.get(response["Location"]).content.decode()
    assert opinion.reference in page and MOBILE not in page
