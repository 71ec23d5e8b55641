"""Service reviews (服务评价): the services, their credit records, the selectors, the admin and
the dossier section."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from core.personal_data import phone_hash
from credit.models import CreditEvent, EventKind, Severity
from registry.dossier import ENTERPRISE, WORKER, registered_keys
from reviews import selectors
from reviews.models import ServiceReview
from reviews.services import (
    ReviewTransitionError,
    review_hide,
    review_restore,
    review_submit,
)
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory
from tests.factories.reviews import ServiceReviewFactory

NOW = datetime.datetime(2025, 10, 20, 10, tzinfo=datetime.UTC)
PHONE = "13909417777"


@pytest.fixture(autouse=True)
def _october_2025():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def employment(db):
    return EmploymentFactory(started_on=datetime.date(2024, 3, 1))


def submit(**overrides) -> ServiceReview:
    data = {
        "phone": PHONE,
        "service_date": datetime.date(2025, 10, 8),
        "quality": 5,
        "punctuality": 4,
        "attitude": 3,
        "comment": "  打扫得很干净。 ",
        "reviewer_name": "王阿姨",
        **overrides,
    }
    # Most tests are about a real service: by default the reviewer scanned the worker's
    # card (tests of unverified reviews pass scanned_worker_ids=frozenset()).
    if "scanned_worker_ids" not in data and data.get("worker") is not None:
        data["scanned_worker_ids"] = frozenset({data["worker"].pk})
    return review_submit(**data)


def events_of(review: ServiceReview):
    return CreditEvent.objects.filter(source_ref=f"review:{review.pk}").order_by("id")


# --- Submitting ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_review_of_a_worker_and_enterprise_records_one_credit_event_for_each(employment):
    review = submit(
        worker=employment.worker, enterprise=employment.enterprise, phone="139 0941 7777"
    )

    review.refresh_from_db()
    assert review.status == ServiceReview.Status.PUBLISHED
    assert review.phone_hash == phone_hash(PHONE)
    assert review.phone_masked == "139****7777"
    assert review.comment == "打扫得很干净。"
    assert review.average == Decimal("4.00")
    assert review.history.get().history_user is None  # a resident, no account

    worker_event, enterprise_event = events_of(review)
    assert (worker_event.worker, worker_event.enterprise) == (employment.worker, None)
    assert (enterprise_event.enterprise, enterprise_event.worker) == (employment.enterprise, None)
    for event in (worker_event, enterprise_event):
        assert event.kind == EventKind.SERVICE_REVIEW
        assert event.value == Decimal("4.00")
        assert event.severity == Severity.GENERAL
        assert event.source == CreditEvent.Source.REVIEW
        assert event.occurred_on == datetime.date(2025, 10, 8)
        assert event.disclosure_until == datetime.date(2026, 10, 8)
        assert event.status == CreditEvent.Status.ACTIVE
        assert "4.00分" in event.title


@pytest.mark.django_db
@pytest.mark.usefixtures("any_service_proven")
def test_a_review_of_an_enterprise_alone_records_one_event():
    enterprise = EnterpriseFactory()
    review = submit(enterprise=enterprise)
    assert [e.enterprise for e in events_of(review)] == [enterprise]


@pytest.mark.django_db
@pytest.mark.usefixtures("any_service_proven")
def test_a_january_review_still_counts_in_an_october_rating():
    """Recorded as GENERAL for 365 days: a MINOR record (90 days) would have stopped
    counting before the rating's evaluation date."""
    enterprise = EnterpriseFactory()
    with time_machine.travel(datetime.datetime(2025, 1, 20, 2, tzinfo=datetime.UTC)):
        review = submit(enterprise=enterprise, service_date=datetime.date(2025, 1, 15))
    counting = CreditEvent.objects.counting_on(datetime.date(2025, 10, 20))
    assert counting.filter(source_ref=f"review:{review.pk}").count() == 1
    assert counting.filter(source_ref=f"review:{review.pk}").get().occurred_on.year == 2025


@pytest.mark.django_db
def test_a_subject_is_required():
    with pytest.raises(ValidationError, match="请选择被评价的企业或从业人员"):
        submit()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("service_date", "message"),
    [
        (datetime.date(2025, 10, 21), "服务日期不能晚于今天"),
        (datetime.date(2024, 10, 19), "只能评价一年以内完成的服务"),
    ],
)
def test_the_service_date_must_be_within_the_last_year(service_date, message):
    with pytest.raises(ValidationError) as caught:
        submit(enterprise=EnterpriseFactory(), service_date=service_date)
    assert message in caught.value.message_dict["service_date"][0]
    assert not ServiceReview.objects.exists()


@pytest.mark.django_db
def test_the_oldest_allowed_service_date_is_one_year_ago_today():
    review = submit(enterprise=EnterpriseFactory(), service_date=datetime.date(2024, 10, 20))
    assert review.pk


@pytest.mark.django_db
def test_a_worker_named_with_an_enterprise_must_have_worked_there_on_the_day(employment):
    other = EnterpriseFactory()
    with pytest.raises(ValidationError) as caught:
        submit(worker=employment.worker, enterprise=other)
    assert "不在所选企业登记" in caught.value.message_dict["enterprise"][0]

    left = EmploymentFactory(
        started_on=datetime.date(2024, 1, 1), ended_on=datetime.date(2025, 9, 30)
    )
    with pytest.raises(ValidationError):
        submit(worker=left.worker, enterprise=left.enterprise)
    # A service before the worker left still counts for that enterprise.
    assert submit(
        worker=left.worker, enterprise=left.enterprise, service_date=datetime.date(2025, 9, 30)
    ).pk


@pytest.mark.django_db
def test_one_review_per_phone_per_worker_in_30_days(employment):
    worker = employment.worker
    submit(worker=worker)
    with pytest.raises(ValidationError, match="30天内已经评价过这位从业人员"):
        submit(worker=worker, phone="+86 139-0941-7777")
    # Another phone, or another worker, is not limited.
    submit(worker=worker, phone="13909418888")
    submit(worker=WorkerFactory())
    with time_machine.travel(NOW + datetime.timedelta(days=30, seconds=1)):
        assert submit(worker=worker).pk
    assert ServiceReview.objects.filter(worker=worker).count() == 3


@pytest.mark.django_db
def test_one_review_per_phone_per_enterprise_in_30_days_when_no_worker_is_named(employment):
    enterprise = employment.enterprise
    submit(worker=employment.worker, enterprise=enterprise)
    with pytest.raises(ValidationError, match="30天内已经评价过这家企业"):
        submit(enterprise=enterprise)
    submit(enterprise=enterprise, phone="13909418888")


@pytest.mark.django_db
def test_a_hidden_review_still_counts_for_the_limit(staff_client):
    enterprise = EnterpriseFactory()
    review = submit(enterprise=enterprise)
    review_hide(actor=staff_client.user, review=review, reason="辱骂")
    with pytest.raises(ValidationError, match="30天内"):
        submit(enterprise=enterprise)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_from_one_phone_save_one_review():
    """The race the row lock closes: both requests pass the 30-day check before either
    inserts. With the lock the second waits for the first, then sees its review."""
    worker = WorkerFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt():
        try:
            barrier.wait(timeout=5)
            submit(worker=worker)
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["refused", "saved"]
    assert ServiceReview.objects.filter(worker=worker).count() == 1
    assert CreditEvent.objects.filter(worker=worker).count() == 1


# --- Hiding and restoring ----------------------------------------------------------------------


@pytest.mark.django_db
def test_hiding_revokes_the_credit_events_and_restoring_brings_the_same_ones_back(
    employment, admin_user
):
    review = submit(worker=employment.worker, enterprise=employment.enterprise)
    ids = [e.pk for e in events_of(review)]

    review_hide(actor=admin_user, review=review, reason="含辱骂内容")
    review.refresh_from_db()
    assert review.status == ServiceReview.Status.HIDDEN
    assert review.hidden_reason == "含辱骂内容"
    assert {e.status for e in events_of(review)} == {CreditEvent.Status.REVOKED}
    assert "含辱骂内容" in events_of(review).first().status_reason
    latest = review.history.latest()
    assert (latest.history_user, latest.status) == (admin_user, "hidden")

    review_restore(actor=admin_user, review=review)
    review.refresh_from_db()
    assert review.status == ServiceReview.Status.PUBLISHED
    assert review.hidden_reason == ""
    assert [e.pk for e in events_of(review)] == ids
    assert {e.status for e in events_of(review)} == {CreditEvent.Status.ACTIVE}
    assert review.history.latest().history_user == admin_user


@pytest.mark.django_db
def test_hiding_needs_a_reason_and_follows_the_status_machine(admin_user):
    review = submit(enterprise=EnterpriseFactory())
    with pytest.raises(ValidationError) as caught:
        review_hide(actor=admin_user, review=review, reason="  ")
    assert "reason" in caught.value.message_dict
    review_hide(actor=admin_user, review=review, reason="不实")
    with pytest.raises(ReviewTransitionError, match="已屏蔽"):
        review_hide(actor=admin_user, review=review, reason="再次")
    review_restore(actor=admin_user, review=review)
    with pytest.raises(ReviewTransitionError):
        review_restore(actor=admin_user, review=review)


# --- Selectors -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_summary_counts_published_reviews_only(django_assert_num_queries):
    enterprise = EnterpriseFactory()
    ServiceReviewFactory(enterprise=enterprise, quality=5, punctuality=4, attitude=5)
    ServiceReviewFactory(enterprise=enterprise, quality=3, punctuality=3, attitude=4)
    ServiceReviewFactory(enterprise=enterprise, quality=4, punctuality=2, attitude=3)
    ServiceReviewFactory(enterprise=enterprise, quality=1, punctuality=1, attitude=1,
                         status=ServiceReview.Status.HIDDEN)  # fmt: skip
    ServiceReviewFactory(enterprise=EnterpriseFactory(), quality=1, punctuality=1, attitude=1)

    with django_assert_num_queries(1):
        summary = selectors.review_summary(enterprise=enterprise)
    assert summary.count == 3
    assert summary.quality == Decimal("4.00")
    assert summary.punctuality == Decimal("3.00")
    assert summary.attitude == Decimal("4.00")
    assert summary.overall == Decimal("3.67")  # (4 + 3 + 4) / 3
    assert [label for label, _ in summary.dimensions] == ["服务质量", "准时守约", "服务态度"]


@pytest.mark.django_db
def test_summaries_of_many_subjects_in_one_query(django_assert_num_queries):
    first, second, empty = EnterpriseFactory(), EnterpriseFactory(), EnterpriseFactory()
    ServiceReviewFactory(enterprise=first, quality=5, punctuality=5, attitude=5)
    ServiceReviewFactory(enterprise=second, quality=2, punctuality=3, attitude=4)
    with django_assert_num_queries(1):
        summaries = selectors.review_summaries(enterprise_ids=[first.pk, second.pk, empty.pk])
    assert summaries[first.pk].overall == Decimal("5.00")
    assert summaries[second.pk].overall == Decimal("3.00")
    assert empty.pk not in summaries
    assert selectors.review_summary(enterprise=empty).count == 0


@pytest.mark.django_db
def test_recent_reviews_hide_hidden_ones_from_the_public():
    worker = WorkerFactory()
    shown = ServiceReviewFactory(worker=worker, enterprise=None)
    hidden = ServiceReviewFactory(worker=worker, enterprise=None, status="hidden")
    assert selectors.recent_reviews(worker=worker) == [shown]
    assert set(selectors.recent_reviews(worker=worker, include_hidden=True)) == {
        shown,
        hidden,
    }


# --- Admin -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_changelist_shows_reviews_with_filters_and_search(staff_client):
    enterprise = EnterpriseFactory(name="舟曲县巧手家政")
    ServiceReviewFactory(enterprise=enterprise, comment="服务很好", quality=5, punctuality=5,
                         attitude=5)  # fmt: skip
    ServiceReviewFactory(enterprise=EnterpriseFactory(), comment="迟到两小时", quality=2,
                         punctuality=1, attitude=2, phone="13609410000")  # fmt: skip
    url = reverse("admin:reviews_servicereview_changelist")

    html = staff_client.get(url).content.decode()
    assert "服务很好" in html and "迟到两小时" in html
    assert "136****0000" in html

    low = staff_client.get(url, {"average": "low"}).content.decode()
    assert "迟到两小时" in low and "服务很好" not in low
    by_phone = staff_client.get(url, {"q": "136 0941 0000"}).content.decode()
    assert "迟到两小时" in by_phone and "服务很好" not in by_phone
    by_name = staff_client.get(url, {"q": "巧手"}).content.decode()
    assert "服务很好" in by_name and "迟到两小时" not in by_name


@pytest.mark.django_db
def test_staff_cannot_edit_a_review(staff_client):
    review = ServiceReviewFactory()
    url = reverse("admin:reviews_servicereview_change", args=[review.pk])
    html = staff_client.get(url).content.decode()
    assert 'name="quality"' not in html
    staff_client.post(url, {"quality": 1})
    review.refresh_from_db()
    assert review.quality == 5
    assert staff_client.get(reverse("admin:reviews_servicereview_add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.usefixtures("any_service_proven")
def test_staff_hide_a_review_with_a_reason_and_restore_it(staff_client):
    review = submit(enterprise=EnterpriseFactory())
    hide_url = reverse("admin:reviews_servicereview_hide", args=[review.pk])

    response = staff_client.post(hide_url, {"reason": ""})
    assert response.status_code == 200
    assert "请填写屏蔽原因" in response.content.decode()

    response = staff_client.post(hide_url, {"reason": "含辱骂内容"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "hidden"
    assert events_of(review).get().status == CreditEvent.Status.REVOKED

    restore_url = reverse("admin:reviews_servicereview_restore", args=[review.pk])
    response = staff_client.post(restore_url, {"confirm": "on"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "published"
    assert events_of(review).get().status == CreditEvent.Status.ACTIVE


@pytest.mark.django_db
@pytest.mark.usefixtures("any_service_proven")
def test_the_bulk_hide_action_asks_for_a_reason(staff_client):
    first = submit(enterprise=EnterpriseFactory())
    second = submit(enterprise=EnterpriseFactory())
    url = reverse("admin:reviews_servicereview_changelist")
    selected = {"action": "hide_selected", "_selected_action": [first.pk, second.pk]}

    response = staff_client.post(url, selected)
    assert response.status_code == 200
    assert "屏蔽原因" in response.content.decode()
    assert ServiceReview.objects.filter(status="hidden").count() == 0

    response = staff_client.post(url, {**selected, "apply": "1", "reason": "刷评"})
    assert response.status_code == 302
    assert ServiceReview.objects.filter(status="hidden", hidden_reason="刷评").count() == 2
    assert CreditEvent.objects.filter(status=CreditEvent.Status.REVOKED).count() == 2

    staff_client.post(url, {"action": "restore_selected", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.status == "published"


@pytest.mark.django_db
def test_a_reader_without_change_permission_cannot_hide(client, django_user_model):
    reader = django_user_model.objects.create_user("leader", password="pw-Test-123", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_servicereview"))
    client.force_login(reader)
    review = ServiceReviewFactory()
    assert client.get(reverse("admin:reviews_servicereview_changelist")).status_code == 200
    url = reverse("admin:reviews_servicereview_hide", args=[review.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    review.refresh_from_db()
    assert review.status == "published"


# --- Dossier ---------------------------------------------------------------------------------


def test_the_reviews_section_is_registered_for_both_kinds_of_subject():
    for kind in (ENTERPRISE, WORKER):
        assert "service_reviews" in registered_keys(kind)


@pytest.mark.django_db
def test_the_dossier_shows_the_summary_and_the_reviews(staff_client):
    enterprise = EnterpriseFactory()
    ServiceReviewFactory(enterprise=enterprise, comment="非常细心", quality=5, punctuality=4,
                         attitude=5)  # fmt: skip
    ServiceReviewFactory(enterprise=enterprise, comment="骂人的话", status="hidden",
                         hidden_reason="含辱骂内容")  # fmt: skip
    url = reverse("admin:registry_enterprise_dossier", args=[enterprise.pk])
    html = staff_client.get(url).content.decode()
    start = html.index('id="section-service_reviews"')
    section = html[start:]
    assert "服务评价" in html
    assert "已采纳评价 <strong>1</strong> 条" in section
    assert "非常细心" in section
    assert "含辱骂内容" in section and "骂人的话" not in section
