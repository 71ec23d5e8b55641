import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from credit.models import (
    CreditEvent,
    EventKind,
    KeyListEntry,
    Severity,
    SupervisionTask,
)
from credit.services.management import (
    KeyListTransitionError,
    SupervisionTransitionError,
    key_list_add,
    key_list_expire_due,
    key_list_remove,
    subject_on_key_list,
    supervision_assign,
    supervision_complete,
    supervision_task_create,
)
from credit.services.publication import ratings_publish
from credit.tasks import expire_key_list
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import (
    PUBLISHED_AT,
    YEAR,
    at,
    employed_worker,
    penalised_enterprise,
    rate_year,
    rating_of,
    spot_events,
    use_workflow_admin,
)
from tests.factories.registry import EnterpriseFactory, WorkerFactory
from zhouqu_jiazheng.roles import CREDIT_OFFICER

pytestmark = pytest.mark.django_db

MARCH_1 = datetime.date(2025, 3, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)


@pytest.fixture
def workflow_admin():
    use_workflow_admin()


def list_worker(staff, worker=None, **kwargs):
    kwargs.setdefault("starts_on", MARCH_1)
    return key_list_add(
        actor=staff,
        worker=worker or WorkerFactory(),
        reason="盗窃雇主财物",
        basis="舟曲县人民法院刑事判决书",
        **kwargs,
    )


# --- Key-management list ----------------------------------------------------------------------


def test_an_entry_lasts_three_years_by_default(staff):
    entry = list_worker(staff)
    assert entry.ends_on == datetime.date(2028, 3, 1)
    assert entry.status == KeyListEntry.Status.ACTIVE and entry.created_by == staff
    assert entry.history.get().history_user == staff


def test_an_entry_lasts_at_most_three_years(staff):
    with pytest.raises(ValidationError, match="最长为3年"):
        list_worker(staff, ends_on=datetime.date(2028, 3, 2))
    leap = list_worker(staff, starts_on=datetime.date(2024, 2, 29))
    assert leap.ends_on == datetime.date(2027, 2, 28)


def test_an_entry_ends_after_it_starts(staff):
    with pytest.raises(ValidationError):
        list_worker(staff, ends_on=MARCH_1)


def test_a_subject_is_listed_once_at_a_time(staff):
    worker = WorkerFactory()
    list_worker(staff, worker)
    with pytest.raises(ValidationError, match="已在重点管理名单中"):
        list_worker(staff, worker, starts_on=datetime.date(2025, 6, 1))


def test_the_related_record_must_be_the_subjects(staff):
    other = CreditEventFactory(worker=WorkerFactory(), severity=Severity.SERIOUS)
    with pytest.raises(ValidationError, match="不属于"):
        list_worker(staff, event=other)


def test_a_subject_is_on_the_list_from_start_to_the_day_before_the_end(staff):
    entry = list_worker(staff, ends_on=datetime.date(2025, 12, 1))
    worker = entry.worker
    assert not subject_on_key_list(worker, datetime.date(2025, 2, 28))
    assert subject_on_key_list(worker, MARCH_1)
    assert subject_on_key_list(worker)  # today, 20 November
    assert not subject_on_key_list(worker, datetime.date(2025, 12, 1))
    assert not subject_on_key_list(EnterpriseFactory())


def test_expired_entries_leave_the_list_daily(staff, clock):
    ending = list_worker(staff, ends_on=datetime.date(2025, 12, 1))
    lasting = list_worker(staff)

    assert key_list_expire_due(today=datetime.date(2025, 11, 30)) == 0
    clock.move_to(at(datetime.date(2025, 12, 1)))
    assert expire_key_list.delay().get() == 1  # the Celery task, run in process
    assert key_list_expire_due(today=datetime.date(2025, 12, 1)) == 0  # idempotent

    ending.refresh_from_db()
    assert ending.status == KeyListEntry.Status.REMOVED and "期满" in ending.removal_reason
    assert ending.history.latest().history_user is None  # done by the system
    lasting.refresh_from_db()
    assert lasting.status == KeyListEntry.Status.ACTIVE


def test_staff_remove_an_entry_early_with_a_reason(staff):
    entry = list_worker(staff)
    with pytest.raises(ValidationError):
        key_list_remove(actor=staff, entry=entry, reason=" ")

    removed = key_list_remove(actor=staff, entry=entry, reason="判决被再审撤销")

    assert removed.status == KeyListEntry.Status.REMOVED
    assert removed.ends_on == datetime.date(2025, 11, 20)
    assert not subject_on_key_list(entry.worker)
    with pytest.raises(KeyListTransitionError):
        key_list_remove(actor=staff, entry=entry, reason="再次移出")


def test_a_listed_subject_is_rated_b(staff):
    worker = employed_worker()
    list_worker(staff, worker)
    rate_year()
    rating = rating_of(worker)
    assert rating.vetoed and "重点管理名单" in rating.veto_reason


# --- Supervision tasks ------------------------------------------------------------------------


@pytest.fixture
def task(staff):
    """The spot check opened by publishing a B enterprise's rating."""
    enterprise, _ = penalised_enterprise()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    return SupervisionTask.objects.get(rating=rating_of(enterprise))


def test_a_failed_spot_check_becomes_one_credit_record(task, staff, clock):
    clock.move_to(at(datetime.date(2025, 12, 3)))
    done = supervision_complete(
        actor=staff,
        task=task,
        result=SupervisionTask.Result.FAILED,
        findings="价目表未公示，两名人员健康证过期",
        checked_on=datetime.date(2025, 12, 2),
        severity=Severity.GENERAL,
    )

    assert done.status == SupervisionTask.Status.DONE
    assert done.result == SupervisionTask.Result.FAILED
    assert done.checked_on == datetime.date(2025, 12, 2)
    [event] = spot_events(task.enterprise)
    assert done.result_event == event
    assert event.kind == EventKind.SPOT_CHECK_FAILED and event.severity == Severity.GENERAL
    assert event.source == CreditEvent.Source.INSPECTION
    assert event.source_ref == f"credit.SupervisionTask:{task.pk}"
    assert event.occurred_on == datetime.date(2025, 12, 2)
    assert event.recorded_by == staff
    assert done.history.latest().history_user == staff

    with pytest.raises(SupervisionTransitionError):
        supervision_complete(
            actor=staff,
            task=task,
            result=SupervisionTask.Result.PASSED,
            findings="复查",
            checked_on=datetime.date(2025, 12, 3),
        )
    assert len(spot_events(task.enterprise)) == 1


def test_a_passed_spot_check_is_a_positive_record(task, staff):
    supervision_complete(
        actor=staff,
        task=task,
        result=SupervisionTask.Result.PASSED,
        findings="已整改到位",
        checked_on=datetime.date(2025, 11, 20),
    )
    [event] = spot_events(task.enterprise)
    assert event.kind == EventKind.SPOT_CHECK_PASSED and event.is_positive


@pytest.mark.parametrize(
    ("checked_on", "findings", "result"),
    [
        (datetime.date(2025, 11, 21), "检查", "passed"),  # tomorrow
        (datetime.date(2025, 11, 19), "检查", "passed"),  # before the task existed
        (datetime.date(2025, 11, 20), " ", "passed"),
        (datetime.date(2025, 11, 20), "检查", "maybe"),
    ],
)
def test_a_result_needs_a_plausible_date_findings_and_a_result(
    task, staff, checked_on, findings, result
):
    with pytest.raises(ValidationError):
        supervision_complete(
            actor=staff, task=task, result=result, findings=findings, checked_on=checked_on
        )
    assert SupervisionTask.objects.get(pk=task.pk).status == SupervisionTask.Status.OPEN
    assert spot_events(task.enterprise) == []


def test_a_cancelled_task_cannot_be_completed(task, staff):
    SupervisionTask.objects.filter(pk=task.pk).update(status=SupervisionTask.Status.CANCELLED)
    with pytest.raises(SupervisionTransitionError):
        supervision_complete(
            actor=staff, task=task, result="passed", findings="检查", checked_on=MARCH_1
        )


def test_tasks_are_assigned_to_active_staff_only(task, staff, django_user_model):
    outsider = django_user_model.objects.create_user("qiye", password="pw")
    with pytest.raises(ValidationError):
        supervision_assign(actor=staff, task=task, assigned_to=outsider)
    assigned = supervision_assign(actor=staff, task=task, assigned_to=staff)
    assert assigned.assigned_to == staff
    SupervisionTask.objects.filter(pk=task.pk).update(status=SupervisionTask.Status.DONE)
    with pytest.raises(SupervisionTransitionError):
        supervision_assign(actor=staff, task=task, assigned_to=staff)


def test_staff_order_a_spot_check_outside_the_rating(staff, settings):
    settings.CREDIT_SUPERVISION_DAYS = 15
    worker = WorkerFactory()
    created = supervision_task_create(actor=staff, worker=worker, reason="列入重点管理名单")
    assert created.due_on == datetime.date(2025, 12, 5) and created.rating is None
    with pytest.raises(ValidationError):
        supervision_task_create(actor=staff, reason="没有主体")


# --- Admin pages ------------------------------------------------------------------------------


def test_staff_list_and_remove_a_subject_in_the_admin(workflow_admin, admin_client):
    worker = WorkerFactory()
    assert admin_client.get("/admin/credit/keylistentry/add/").status_code == 200
    response = admin_client.post(
        "/admin/credit/keylistentry/add/",
        {
            "worker": worker.pk,
            "reason": "盗窃雇主财物",
            "basis": "法院判决",
            "starts_on": "2025-11-01",
        },
    )
    assert response.status_code == 302
    entry = KeyListEntry.objects.get()
    assert entry.ends_on == datetime.date(2028, 11, 1)
    assert entry.created_by.username == "admin"

    too_long = admin_client.post(
        "/admin/credit/keylistentry/add/",
        {
            "enterprise": EnterpriseFactory().pk,
            "reason": "欺诈",
            "basis": "处罚决定书",
            "starts_on": "2025-11-01",
            "ends_on": "2029-01-01",
        },
    )
    assert too_long.status_code == 200 and "最长为3年" in too_long.content.decode()

    listing = admin_client.get("/admin/credit/keylistentry/")
    assert listing.status_code == 200 and "移出名单" in listing.content.decode()
    url = f"/admin/credit/keylistentry/{entry.pk}/remove/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"reason": "判决撤销"}).status_code == 302
    assert KeyListEntry.objects.get().status == KeyListEntry.Status.REMOVED


def test_staff_complete_a_spot_check_in_the_admin(
    workflow_admin, admin_client, admin_user, task, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        listing = admin_client.get("/admin/credit/supervisiontask/")
    assert listing.status_code == 200 and "登记检查结果" in listing.content.decode()

    response = admin_client.post(
        "/admin/credit/supervisiontask/",
        {"action": "assign_to_me", "_selected_action": [task.pk]},
    )
    assert response.status_code == 302
    assert SupervisionTask.objects.get(pk=task.pk).assigned_to == admin_user

    url = f"/admin/credit/supervisiontask/{task.pk}/complete/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "result": "failed",
            "checked_on": "2025-11-20",
            "findings": "价目表未公示",
            "severity": "minor",
        },
    )
    assert response.status_code == 302
    [event] = spot_events(task.enterprise)
    assert event.severity == Severity.MINOR and event.recorded_by == admin_user
    again = admin_client.post(
        url, {"result": "passed", "checked_on": "2025-11-20", "findings": "复查"}
    )
    assert again.status_code == 200 and "不能变更" in again.content.decode()
    assert len(spot_events(task.enterprise)) == 1


def test_staff_assign_a_task_in_the_admin(workflow_admin, admin_client, task, staff):
    url = f"/admin/credit/supervisiontask/{task.pk}/assign/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"assigned_to": staff.pk}).status_code == 302
    assert SupervisionTask.objects.get(pk=task.pk).assigned_to == staff


def test_overdue_tasks_are_found_by_the_deadline_filter(workflow_admin, admin_client, task):
    SupervisionTask.objects.filter(pk=task.pk).update(due_on=datetime.date(2025, 11, 1))
    overdue = admin_client.get("/admin/credit/supervisiontask/?deadline=overdue")
    assert overdue.status_code == 200 and "已超期" in overdue.content.decode()
    soon = admin_client.get("/admin/credit/supervisiontask/?deadline=soon")
    assert task.reason not in soon.content.decode()


def test_a_credit_officer_handles_tasks_and_the_list(workflow_admin, client, task, staff):
    staff.groups.add(Group.objects.get(name=CREDIT_OFFICER))
    client.force_login(staff)
    url = f"/admin/credit/supervisiontask/{task.pk}/assign/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"assigned_to": staff.pk}).status_code == 302
    assert SupervisionTask.objects.get(pk=task.pk).assigned_to == staff
    search = client.get(
        "/admin/autocomplete/",
        {"app_label": "credit", "model_name": "keylistentry", "field_name": "enterprise"},
    )
    assert search.status_code == 200
    assert task.enterprise.name in [row["text"] for row in search.json()["results"]]
