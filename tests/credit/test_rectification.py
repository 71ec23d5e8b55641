"""Rectification notices (整改通知): a B rating's supervision task sends the enterprise a
notice; it answers in the portal with its report and evidence; staff accept (the task is
done and a 抽查合格 record made) or send it back with a reason; notices are scoped to their
enterprise, overdue ones flagged, and open ones come first on the portal home."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from credit.models import (
    CreditEvent,
    EventKind,
    RectificationNotice,
    SupervisionTask,
)
from credit.services.management import supervision_complete
from credit.services.publication import ratings_publish
from credit.services.rectification import (
    NoticeTransitionError,
    notice_accept,
    notice_issue,
    notice_reject,
    notice_submit,
)
from tests.credit.test_portal import png
from tests.factories.credit_workflows import (
    PUBLISHED_AT,
    YEAR,
    at,
    employed_worker,
    penalised_enterprise,
    rate_year,
    rating_of,
    use_workflow_admin,
)
from tests.factories.registry import EnterpriseFactory
from tests.portal_clients import portal_client
from zhouqu_jiazheng.roles import CREDIT_OFFICER

pytestmark = pytest.mark.django_db

Status = RectificationNotice.Status


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=CREDIT_OFFICER))
    return user


@pytest.fixture
def county(staff):
    """Two B enterprises and a B worker, their 2025 ratings publicised."""
    ours, _ = penalised_enterprise()
    theirs, _ = penalised_enterprise()
    worker = employed_worker()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    return {"ours": ours, "theirs": theirs, "worker": worker, "client": portal_client(ours)}


def notice_of(enterprise) -> RectificationNotice:
    return RectificationNotice.objects.get(enterprise=enterprise)


def url(name: str, pk=None) -> str:
    return reverse(f"portal:{name}", args=[pk] if pk is not None else [])


def test_a_b_rating_sends_its_enterprise_a_notice_due_with_the_task(county):
    notice = notice_of(county["ours"])
    task = SupervisionTask.objects.get(rating=rating_of(county["ours"]))
    assert notice.supervision_task == task
    assert notice.deadline == task.due_on
    assert notice.status == Status.ISSUED
    assert "B级" in notice.title
    # A worker has no portal: their task has no notice.
    worker_task = SupervisionTask.objects.get(rating=rating_of(county["worker"]))
    assert not worker_task.notices.exists()
    enterprise_tasks = SupervisionTask.objects.filter(enterprise__isnull=False)
    assert RectificationNotice.objects.count() == enterprise_tasks.count() == 3


def test_the_enterprise_reads_its_notice_and_answers_with_report_and_evidence(county):
    client = county["client"]
    notice = notice_of(county["ours"])
    home = client.get(reverse("portal:home")).content.decode()
    assert home.index('id="card-notices"') < home.index('id="card-dossier"')
    assert notice.title in home
    listing = client.get(url("credit_notices")).content.decode()
    assert (
        notice.title in listing
        and notice_of(county["theirs"]).title not in listing
        or (listing.count("诚信警示整改") == 1)
    )
    page = client.get(url("credit_notice", notice.pk)).content.decode()
    assert "提交整改报告" in page
    response = client.post(
        url("credit_notice", notice.pk),
        {"report": "已在店内公示收费标准，完善服务合同。", "evidence": png()},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Status.SUBMITTED
    assert notice.evidence and notice.submitted_by == client.account.user
    page = client.get(url("credit_notice", notice.pk)).content.decode()
    assert "待验收" in page and "提交整改报告</button>" not in page


def test_a_report_is_required_and_the_evidence_checked(county):
    client = county["client"]
    notice = notice_of(county["ours"])
    response = client.post(url("credit_notice", notice.pk), {"report": "  "})
    assert "请填写整改报告" in response.content.decode()
    response = client.post(
        url("credit_notice", notice.pk),
        {"report": "已整改", "evidence": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
    )
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.status == Status.ISSUED


def test_another_enterprises_notice_answers_404_and_changes_nothing(county):
    client = county["client"]
    theirs = notice_of(county["theirs"])
    assert client.get(url("credit_notice", theirs.pk)).status_code == 404
    response = client.post(url("credit_notice", theirs.pk), {"report": "越权提交"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.ISSUED and not theirs.report
    with pytest.raises(NoticeTransitionError):
        notice_submit(actor=None, notice=theirs, enterprise=county["ours"], report="越权")


def test_notice_pages_need_a_portal_login(county, admin_user):
    notice = notice_of(county["ours"])
    staff_client = Client()
    staff_client.force_login(admin_user)
    for name, pk in [("credit_notices", None), ("credit_notice", notice.pk)]:
        response = Client().get(url(name, pk))
        assert response.status_code == 302 and response.url.startswith("/portal/login/")
        assert staff_client.get(url(name, pk)).status_code == 403


def test_accepting_completes_the_task_and_records_a_passed_spot_check(county, staff, clock):
    notice = notice_of(county["ours"])
    notice_submit(actor=None, notice=notice, enterprise=county["ours"], report="已整改")
    clock.move_to(at(datetime.date(2025, 12, 5)))
    done = notice_accept(actor=staff, notice=notice, decision="现场核查属实")
    assert done.status == Status.ACCEPTED
    task = SupervisionTask.objects.get(pk=notice.supervision_task_id)
    assert task.status == SupervisionTask.Status.DONE
    assert task.result == SupervisionTask.Result.PASSED
    assert done.result_event == task.result_event
    assert done.result_event.kind == EventKind.SPOT_CHECK_PASSED
    county["client"].force_login(county["client"].account.user)  # the session went idle
    page = county["client"].get(url("credit_notice", notice.pk)).content.decode()
    assert "整改通过" in page and "现场核查属实" in page


def test_a_rejected_report_goes_back_with_the_reason_and_may_be_sent_again(county, staff):
    notice = notice_of(county["ours"])
    notice_submit(actor=None, notice=notice, enterprise=county["ours"], report="已整改")
    with pytest.raises(ValidationError):
        notice_reject(actor=staff, notice=notice, reason=" ")
    notice_reject(actor=staff, notice=notice, reason="缺少收费公示照片")
    client = county["client"]
    page = client.get(url("credit_notice", notice.pk)).content.decode()
    assert "退回整改" in page and "缺少收费公示照片" in page and "重新提交整改报告" in page
    client.post(url("credit_notice", notice.pk), {"report": "补充照片", "evidence": png()})
    notice.refresh_from_db()
    assert notice.status == Status.SUBMITTED and notice.report == "补充照片"
    assert SupervisionTask.objects.get(pk=notice.supervision_task_id).status == "open"


def test_staff_cannot_decide_before_the_report_arrives(county, staff):
    notice = notice_of(county["ours"])
    with pytest.raises(NoticeTransitionError):
        notice_accept(actor=staff, notice=notice, decision="")


def test_an_unanswered_notice_past_its_deadline_is_flagged(county, clock):
    notice = notice_of(county["ours"])
    clock.move_to(at(notice.deadline + datetime.timedelta(days=1)))
    today = notice.deadline + datetime.timedelta(days=1)
    assert list(RectificationNotice.objects.overdue(today).filter(enterprise=county["ours"])) == [
        notice
    ]
    county["client"].force_login(county["client"].account.user)  # the session went idle
    page = county["client"].get(url("credit_notice", notice.pk)).content.decode()
    assert "已超期" in page
    home = county["client"].get(reverse("portal:home")).content.decode()
    assert "已超期" in home


def test_a_task_settled_on_site_closes_its_notice(county, staff, clock):
    notice = notice_of(county["ours"])
    clock.move_to(at(datetime.date(2025, 12, 3)))
    supervision_complete(
        actor=staff,
        task=notice.supervision_task,
        result=SupervisionTask.Result.FAILED,
        findings="现场检查仍未整改",
        checked_on=datetime.date(2025, 12, 3),
    )
    notice.refresh_from_db()
    assert notice.status == Status.CLOSED and "监管任务已办结" in notice.decision
    assert "提交整改报告</button>" not in (
        county["client"].get(url("credit_notice", notice.pk)).content.decode()
    )


def test_accepting_an_inspection_notice_records_a_passed_spot_check(staff):
    enterprise = EnterpriseFactory()
    notice = notice_issue(
        actor=staff,
        enterprise=enterprise,
        title="双随机抽查不合格",
        requirements="补办健康证",
        source_ref="inspections.Inspection:1",
    )
    assert (
        notice_issue(
            actor=staff,
            enterprise=enterprise,
            title="重复",
            requirements="x",
            source_ref=notice.source_ref,
        )
        == notice
    )
    notice_submit(actor=None, notice=notice, enterprise=enterprise, report="已补办")
    done = notice_accept(actor=staff, notice=notice, decision="")
    assert done.decision == "整改到位，验收通过。"
    event = CreditEvent.objects.get(pk=done.result_event_id)
    assert event.kind == EventKind.SPOT_CHECK_PASSED and event.enterprise == enterprise


# --- The back office --------------------------------------------------------------------------


def test_staff_accept_and_reject_in_the_admin(county, staff):
    use_workflow_admin()
    client = Client()
    client.force_login(staff)
    notice = notice_of(county["ours"])
    accept = reverse("admin:credit_rectificationnotice_accept", args=[notice.pk])
    assert client.post(accept, {"decision": ""}).status_code == 200  # not answered yet
    notice_submit(actor=None, notice=notice, enterprise=county["ours"], report="已整改")
    changelist = client.get(reverse("admin:credit_rectificationnotice_changelist"))
    assert "验收通过" in changelist.content.decode()
    assert "整改报告待验收" in client.get("/admin/").content.decode()  # the staff inbox
    reject = reverse("admin:credit_rectificationnotice_reject", args=[notice.pk])
    assert client.post(reject, {"reason": "材料不全"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == Status.REJECTED
    overdue = client.get(reverse("admin:credit_rectificationnotice_changelist") + "?overdue=yes")
    assert overdue.status_code == 200


def test_a_leader_may_not_decide(county, django_user_model):
    use_workflow_admin()
    leader = django_user_model.objects.create_user("lingdao", is_staff=True)
    leader.groups.add(Group.objects.get(name="领导"))
    client = Client()
    client.force_login(leader)
    notice = notice_of(county["ours"])
    url_ = reverse("admin:credit_rectificationnotice_accept", args=[notice.pk])
    assert client.post(url_, {"decision": "x"}).status_code == 403
