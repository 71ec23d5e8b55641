"""The complaint officers' back office."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from complaints.models import Complaint, DeadlineState, Status
from complaints.services import complaints_check_deadlines
from credit.models import CreditEvent
from tests.factories.complaints import ComplaintFactory
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def officer_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="tousu", password="pw", is_staff=True, first_name="王建国"
    )
    user.groups.add(Group.objects.get(name=roles.COMPLAINT_OFFICER))
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def leader_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="lingdao", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.LEADER))
    client.force_login(user)
    return client


def url(name: str, complaint: Complaint) -> str:
    return reverse(f"admin:complaints_complaint_{name}", args=[complaint.pk])


def test_the_changelist_filters_by_deadline_and_bounds_its_queries(
    officer_client, django_assert_max_num_queries
):
    received = datetime(2025, 11, 3, 9, tzinfo=SHANGHAI)
    late = ComplaintFactory(received_at=received)
    ComplaintFactory.create_batch(20)
    complaints_check_deadlines()
    with django_assert_max_num_queries(12):
        response = officer_client.get(reverse("admin:complaints_complaint_changelist"))
    assert response.status_code == 200
    overdue = officer_client.get(
        reverse("admin:complaints_complaint_changelist") + f"?deadline={DeadlineState.OVERDUE}"
    )
    assert late.tracking_number in overdue.content.decode()
    assert (
        overdue.context["cl"].result_count
        == Complaint.objects.filter(deadline_state=DeadlineState.OVERDUE).count()
    )


def test_an_officer_walks_a_case_to_a_substantiated_closure(officer_client):
    complaint = ComplaintFactory(phone="13909416666", category="property_loss")
    page = officer_client.get(url("change", complaint)).content.decode()
    assert "13909416666" in page  # the officer calls the complainant
    assert "受理" in page and "不予受理" in page and "开始调解" not in page

    officer_client.post(url("accept", complaint), {"note": "材料齐全"})
    officer_client.post(url("mediate", complaint), {"note": ""})
    officer_client.post(url("end-mediation", complaint), {"agreed": "1", "summary": "赔偿300元"})
    response = officer_client.post(
        url("close", complaint), {"outcome": "企业已赔偿300元", "substantiated": "1"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.substantiated
    assert CreditEvent.objects.filter(source_ref=f"complaint:{complaint.pk}").count() == 1
    history_users = {h.history_user for h in complaint.history.all()[:4]}
    assert history_users == {officer_client.user}


def test_a_refused_action_shows_on_the_form(officer_client):
    complaint = ComplaintFactory()
    response = officer_client.post(
        url("close", complaint), {"outcome": "办结", "substantiated": "0"}
    )
    assert response.status_code == 200
    assert "不能改为" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED


def test_required_reason_is_asked_in_chinese(officer_client):
    complaint = ComplaintFactory()
    response = officer_client.post(url("not-accept", complaint), {"reason": ""})
    assert "这个字段是必填项" in response.content.decode()


def test_internal_notes_and_public_updates(officer_client):
    complaint = ComplaintFactory()
    officer_client.post(url("note", complaint), {"text": "投诉人情绪激动", "public": "0"})
    officer_client.post(url("note", complaint), {"text": "已联系企业", "public": "1"})
    texts = dict(complaint.updates.values_list("text", "visibility"))
    assert texts["投诉人情绪激动"] == "internal" and texts["已联系企业"] == "public"


def test_assignment(officer_client):
    complaint = ComplaintFactory()
    response = officer_client.post(url("assign", complaint), {"officer": officer_client.user.pk})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.officer == officer_client.user


def test_the_leader_reads_but_cannot_act_and_sees_the_phone_masked(leader_client):
    complaint = ComplaintFactory(phone="13909416666")
    page = leader_client.get(url("change", complaint))
    assert page.status_code == 200
    html = page.content.decode()
    assert "139****6666" in html and "13909416666" not in html
    assert "办理操作" not in html
    for action in ("accept", "not-accept", "close", "note", "assign"):
        assert leader_client.post(url(action, complaint), {"reason": "x"}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED


def test_complaints_cannot_be_deleted_in_the_admin(officer_client):
    # Adding is the staff entry of phoned, visited and written cases (test_channels.py).
    complaint = ComplaintFactory()
    assert officer_client.get(url("delete", complaint)).status_code == 403


def test_attachments_are_served_to_complaint_staff_only(officer_client, client, django_user_model):
    from tests.complaints.test_intake import jpeg_with_gps, submit

    attachment = submit(attachments=[jpeg_with_gps()]).complaint.attachments.get()
    url = f"/media/{attachment.file.name}"
    assert officer_client.get(url).status_code == 200
    other = django_user_model.objects.create_user(username="x", password="pw", is_staff=True)
    other.groups.add(Group.objects.get(name=roles.CREDIT_OFFICER))  # reads complaints
    client.force_login(other)
    assert client.get(url).status_code == 200
    stranger = django_user_model.objects.create_user(username="y", password="pw", is_staff=True)
    client.force_login(stranger)  # staff, but without any permission on complaints
    assert client.get(url).status_code == 403
