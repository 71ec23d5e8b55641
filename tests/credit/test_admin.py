import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from credit.models import CreditEvent, EvaluationStandard, Rating, RatingRun
from credit.services import rating_run_year
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def officer(client, django_user_model):
    user = django_user_model.objects.create_user("xy", password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.CREDIT_OFFICER))
    client.force_login(user)
    return user


def test_staff_record_an_event_with_the_disclosure_rules(client, officer):
    enterprise = EnterpriseFactory()
    url = reverse("admin:credit_creditevent_add")
    data = {
        "enterprise": enterprise.pk, "kind": "penalty", "severity": "minor",
        "occurred_on": "2025-05-01", "title": "未按规定公示收费标准", "disclosure_days": "200",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "轻微信用记录的公示期应为0至90天" in response.content.decode()
    assert not CreditEvent.objects.exists()
    data["disclosure_days"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    event = CreditEvent.objects.get()
    assert event.disclosure_until == datetime.date(2025, 7, 30)  # the 90-day maximum
    assert event.recorded_by == officer
    assert event.history.first().history_user == officer


def test_an_event_names_exactly_one_subject(client, officer):
    response = client.post(
        reverse("admin:credit_creditevent_add"),
        {"kind": "award", "severity": "general", "occurred_on": "2025-05-01", "title": "表彰"},
    )
    assert "请选择企业或从业人员中的一个" in response.content.decode()


def test_revoking_an_event_is_recorded(client, officer):
    event = CreditEvent.objects.create(
        enterprise=EnterpriseFactory(), kind="penalty", occurred_on=datetime.date(2025, 5, 1),
        title="误录", disclosure_until=datetime.date(2026, 5, 1),
    )  # fmt: skip
    url = reverse("admin:credit_creditevent_revoke", args=[event.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "录入错误"}).status_code == 302
    event.refresh_from_db()
    assert (event.status, event.status_reason) == ("revoked", "录入错误")
    # Recorded facts are not edited in place.
    change = client.post(reverse("admin:credit_creditevent_change", args=[event.pk]), {})
    assert change.status_code == 403


def test_a_locked_standard_cannot_be_edited_but_can_be_versioned(client, officer):
    standard = EvaluationStandard.objects.get(year=2025, subject_type="enterprise")
    standard.locked_at = datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC)
    standard.save()
    page = client.get(reverse("admin:credit_evaluationstandard_change", args=[standard.pk]))
    assert page.status_code == 200
    assert 'name="aaa_min"' not in page.content.decode()
    response = client.post(
        reverse("admin:credit_evaluationstandard_changelist"),
        {"action": "new_version", "_selected_action": [standard.pk]},
    )
    assert response.status_code == 302
    draft = EvaluationStandard.objects.get(year=2025, subject_type="enterprise", version=2)
    assert draft.status == "draft" and draft.locked_at is None
    assert draft.indicators.count() == standard.indicators.count()
    assert draft.vetoes.count() == standard.vetoes.count()
    client.post(
        reverse("admin:credit_evaluationstandard_changelist"),
        {"action": "activate", "_selected_action": [draft.pk]},
    )
    standard.refresh_from_db()
    draft.refresh_from_db()
    assert (standard.status, draft.status) == ("retired", "active")


def test_a_run_started_from_the_admin_shows_progress_and_distribution(
    client, officer, django_capture_on_commit_callbacks
):
    worker = WorkerFactory()
    EmploymentFactory(worker=worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:credit_ratingrun_start"), {"year": "2025"})
    run = RatingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:credit_ratingrun_progress", args=[run.pk])
    run.refresh_from_db()
    assert run.status == "done"
    page = client.get(response["Location"]).content.decode()
    assert "100%" in page and "等级分布" in page
    rating = Rating.objects.get(worker=worker)
    detail = client.get(reverse("admin:credit_rating_change", args=[rating.pk])).content.decode()
    assert "W-C1" in detail and "评分明细" in detail


def test_leaders_see_ratings_but_cannot_start_runs(client, django_user_model):
    rating_run_year(actor=None, year=2025, sync=True)
    user = django_user_model.objects.create_user("ld", password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.LEADER))
    client.force_login(user)
    assert client.get(reverse("admin:credit_rating_changelist")).status_code == 200
    assert client.get(reverse("admin:credit_ratingrun_start")).status_code == 403
    assert client.post(reverse("admin:credit_creditevent_add"), {}).status_code == 403


def test_staff_publish_a_run_and_finalise_after_the_period(client, officer):
    worker = WorkerFactory()
    EmploymentFactory(worker=worker)
    run = rating_run_year(actor=None, year=2025, sync=True)
    page = client.get(reverse("admin:credit_ratingrun_progress", args=[run.pk])).content.decode()
    assert "发布公示" in page
    response = client.post(reverse("admin:credit_ratingrun_publish", args=[run.pk]))
    assert response.status_code == 302
    rating = Rating.objects.get(worker=worker)
    assert rating.status == "publicised"
    changelist = reverse("admin:credit_rating_changelist")
    client.post(changelist, {"action": "finalise", "_selected_action": [rating.pk]})
    rating.refresh_from_db()
    assert rating.status == "publicised"  # the publicity period is still running
    with time_machine.travel(datetime.datetime(2025, 11, 28, 10, tzinfo=datetime.UTC)):
        client.post(changelist, {"action": "finalise", "_selected_action": [rating.pk]})
    rating.refresh_from_db()
    assert rating.status == "final"
    assert rating.history.first().history_user == officer
