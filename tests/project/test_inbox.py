"""The dashboard is each officer's inbox: what waits, how much is overdue, the nearest
deadline, a link to the filtered list — only what the role may see — and the uploads waiting
for 核验 are verified in bulk from their list."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from complaints.models import DeadlineState
from credit.models import Objection, RepairRequest
from registry.models import ChangeRequest, HealthCertificate, TrainingRecord
from tests.factories.complaints import ComplaintFactory
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import RatingFactory, use_workflow_admin
from tests.factories.registry import EnterpriseFactory, HealthCertificateFactory, TrainingFactory
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 20)
INDEX = "/admin/"

ROWS = {
    "change": "企业信息变更申请待审核",
    "objection": "信用异议待处理",
    "repair": "信用修复申请待审核",
    "health": "健康证待核验",
    "training": "培训记录待核验",
    "complaint": "投诉临近或超过办理期限",
}
SEES = {  # officers: what they act on; the read-only leader: all their views open
    roles.SYSTEM_ADMIN: set(ROWS),
    roles.CREDIT_OFFICER: set(ROWS) - {"complaint"},
    roles.COMPLAINT_OFFICER: {"complaint"},
    roles.LEADER: set(ROWS) - {"health"},  # health certificates are sensitive records
}


@pytest.fixture(autouse=True)
def _today():
    use_workflow_admin()
    with time_machine.travel(datetime.datetime(2025, 11, 20, 2, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def waiting():
    enterprise = EnterpriseFactory()
    ChangeRequest.objects.create(enterprise=enterprise, kind="profile", changes={})
    ChangeRequest.objects.create(enterprise=enterprise, kind="profile", changes={})
    for due in (TODAY - datetime.timedelta(days=2), TODAY + datetime.timedelta(days=3)):
        Objection.objects.create(rating=RatingFactory(), reasons="分数有误", due_on=due)
    RepairRequest.objects.create(
        event=CreditEventFactory(enterprise=enterprise),
        reasons="已整改",
        due_on=TODAY + datetime.timedelta(days=9),
    )
    HealthCertificateFactory.create_batch(3, verified=False)
    HealthCertificateFactory(verified=True)
    TrainingFactory.create_batch(2, verified=False)
    ComplaintFactory(deadline_state=DeadlineState.DUE_SOON)
    ComplaintFactory(deadline_state=DeadlineState.OVERDUE)
    ComplaintFactory(deadline_state=DeadlineState.ON_TIME)


def client_for(django_user_model, role: str) -> Client:
    user = django_user_model.objects.create_user(username=f"u-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def inbox_of(html: str) -> str:
    start = html.index('id="inbox-title"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_sees_what_waits_for_it_with_deadlines_and_links(
    django_user_model, waiting, role, django_assert_max_num_queries
):
    client = client_for(django_user_model, role)
    client.get(INDEX)  # the dashboard's figures are cached; the inbox never is
    with django_assert_max_num_queries(20):
        response = client.get(INDEX)
    inbox = inbox_of(response.content.decode())
    for key, label in ROWS.items():
        assert (label in inbox) == (key in SEES[role]), (role, label)
    rows = {row.label: row for row in response.context["inbox"]}
    if "objection" in SEES[role]:
        objection = rows[ROWS["objection"]]
        assert (objection.waiting, objection.overdue) == (2, 1)
        assert objection.next_due == TODAY - datetime.timedelta(days=2)
        assert "2025年11月18日" in inbox and "收到后10日内处理" in inbox
    if "complaint" in SEES[role]:
        complaint = rows[ROWS["complaint"]]
        assert (complaint.waiting, complaint.overdue) == (2, 1)
    # Every link opens the list behind the row, showing as many rows as announced.
    for row in rows.values():
        assert row.url in inbox
        page = client.get(row.url)
        assert page.status_code == 200, row.url
        assert page.context["cl"].result_count == row.waiting, row.label
        if row.overdue_url:
            overdue = client.get(row.overdue_url)
            assert overdue.context["cl"].result_count == row.overdue, row.label


def test_nothing_waiting_says_so(django_user_model):
    client = client_for(django_user_model, roles.CREDIT_OFFICER)
    assert "目前没有等待您处理的事项" in inbox_of(client.get(INDEX).content.decode())


def test_uploads_are_verified_in_bulk_and_the_inbox_follows(django_user_model, waiting):
    client = client_for(django_user_model, roles.CREDIT_OFFICER)
    url = reverse("admin:registry_healthcertificate_changelist")
    ids = list(HealthCertificate.objects.filter(verified=False).values_list("pk", flat=True))
    response = client.post(
        url, {"action": "verify_records", "_selected_action": ids, "index": 0}, follow=True
    )
    assert "已核验 3 条记录" in response.content.decode()
    assert not HealthCertificate.objects.filter(verified=False).exists()
    assert HealthCertificate.objects.get(pk=ids[0]).history.first().history_user.username == (
        f"u-{roles.CREDIT_OFFICER}"
    )
    assert ROWS["health"] not in inbox_of(client.get(INDEX).content.decode())


def test_only_who_may_change_records_gets_the_bulk_action(django_user_model, waiting):
    url = reverse("admin:registry_trainingrecord_changelist")
    leader = client_for(django_user_model, roles.LEADER)
    assert "verify_records" not in leader.get(url).content.decode()
    ids = list(TrainingRecord.objects.values_list("pk", flat=True))
    leader.post(url, {"action": "verify_records", "_selected_action": ids, "index": 0})
    assert TrainingRecord.objects.filter(verified=False).count() == 2
    officer = client_for(django_user_model, roles.CREDIT_OFFICER)
    assert "verify_records" in officer.get(url).content.decode()
