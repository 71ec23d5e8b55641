"""Self-inspections: the phase's checklist filled by its owner with findings, evidence and
rectification, submitted, and reviewed by a second person; the annual report lists the
findings and the written summary."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from programme.models import InspectionItem, PlanPhase, SelfInspection
from programme.selectors import inspection_summary
from programme.services import (
    inspection_create,
    inspection_item_save,
    inspection_review,
    inspection_submit,
    work_plan_save,
    work_plan_seed,
)
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 20)


@pytest.fixture
def people(staff):
    return staff("owner"), staff("reviewer", roles.COMPLAINT_OFFICER)


@pytest.fixture
def inspection(people):
    owner, _ = people
    work_plan_seed(2025)
    phase = PlanPhase.objects.get(plan__year=2025, name="动员部署")
    return inspection_create(
        actor=owner, inspection=SelfInspection(phase=phase, owner=owner, inspected_on=DAY)
    )


def fill(inspection, owner, *, problem: bool = True):
    for index, item in enumerate(inspection.items.order_by("order")):
        item.result = InspectionItem.Result.MET
        if problem and index == 0:
            item.result = InspectionItem.Result.PROBLEM
            item.finding = "宣传未覆盖两个乡镇。"
            item.rectification = "入户宣传。"
            item.rectification_due_on = DAY + datetime.timedelta(days=10)
            item.rectification_status = InspectionItem.Rectification.OPEN
        inspection_item_save(actor=owner, item=item)


def test_an_inspection_takes_its_phases_checklist(inspection):
    texts = list(inspection.items.values_list("text", flat=True))
    assert texts == list(inspection.phase.checklist.values_list("text", flat=True))
    assert len(texts) == 4 and inspection.status == SelfInspection.Status.DRAFT


def test_a_problem_needs_its_finding_and_a_dated_rectification(inspection, people):
    owner, _ = people
    item = inspection.items.first()
    item.result = InspectionItem.Result.PROBLEM
    with pytest.raises(ValidationError) as error:
        inspection_item_save(actor=owner, item=item)
    assert set(error.value.message_dict) == {"finding", "rectification_status"}
    item.finding = "问题"
    item.rectification_status = InspectionItem.Rectification.OPEN
    with pytest.raises(ValidationError) as error:
        inspection_item_save(actor=owner, item=item)
    assert set(error.value.message_dict) == {"rectification", "rectification_due_on"}


def test_only_the_owner_submits_and_only_a_second_person_reviews(inspection, people):
    owner, reviewer = people
    with pytest.raises(ValidationError, match="未检查"):
        inspection_submit(actor=owner, inspection=inspection)
    fill(inspection, owner)
    with pytest.raises(ValidationError, match="负责人本人"):
        inspection_submit(actor=reviewer, inspection=inspection)
    inspection_submit(actor=owner, inspection=inspection)
    # Submitted: the owner can no longer change it, nor review it.
    item = inspection.items.first()
    item.finding = "改了"
    with pytest.raises(ValidationError, match="不能再修改"):
        inspection_item_save(actor=owner, item=item)
    with pytest.raises(ValidationError, match="复核人不能是自查负责人本人"):
        inspection_review(actor=owner, inspection=inspection, approve=True)
    inspection.refresh_from_db()
    assert inspection.status == SelfInspection.Status.SUBMITTED
    inspection_review(actor=reviewer, inspection=inspection, approve=True, note="同意")
    inspection.refresh_from_db()
    assert inspection.status == SelfInspection.Status.REVIEWED
    assert inspection.reviewer == reviewer and inspection.reviewed_at is not None
    assert inspection.history.first().history_user == reviewer


def test_the_database_refuses_the_owner_as_reviewer(inspection, people):
    owner, _ = people
    inspection.reviewer = owner
    with pytest.raises(ValidationError, match="复核人不能是自查负责人本人"):
        inspection.full_clean()


def test_a_returned_inspection_goes_back_to_its_owner(inspection, people):
    owner, reviewer = people
    fill(inspection, owner)
    inspection_submit(actor=owner, inspection=inspection)
    with pytest.raises(ValidationError, match="原因"):
        inspection_review(actor=reviewer, inspection=inspection, approve=False)
    inspection_review(actor=reviewer, inspection=inspection, approve=False, note="证据不足")
    inspection.refresh_from_db()
    assert inspection.status == SelfInspection.Status.DRAFT
    assert inspection.review_note == "证据不足"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "PNG")
    return out.getvalue()


def test_the_owner_fills_items_with_evidence_in_the_admin(client, inspection, people):
    owner, reviewer = people
    client.force_login(owner)
    url = reverse("admin:programme_selfinspection_change", args=[inspection.pk])
    items = list(inspection.items.order_by("order", "pk"))
    data = {
        "phase": inspection.phase_id,
        "owner": owner.pk,
        "inspected_on": "2025-03-20",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        data |= {
            f"items-{index}-id": item.pk,
            f"items-{index}-inspection": inspection.pk,
            f"items-{index}-result": "met",
            f"items-{index}-rectification_status": "none",
        }
    data |= {"items-0-result": "problem"}
    # A problem without its finding is refused on the page.
    response = client.post(url, data)
    assert response.status_code == 200
    assert "存在问题的，请写明发现的问题。" in response.content.decode()
    # A file that is not an image or a PDF is refused by its content.
    data |= {
        "items-0-finding": "台账不全",
        "items-0-rectification": "补齐台账",
        "items-0-rectification_due_on": "2025-04-10",
        "items-0-rectification_status": "open",
        "items-0-evidence": SimpleUploadedFile("证据.png", b"MZ not a picture"),
    }
    response = client.post(url, data)
    assert "文件类型不支持" in response.content.decode()
    data["items-0-evidence"] = SimpleUploadedFile("证据.png", _png(), content_type="image/png")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = inspection.items.get(result="problem")
    assert item.finding == "台账不全" and item.evidence.name.startswith("programme/evidence/")
    # The evidence is served to staff who read self-inspections only.
    assert client.get(f"/media/{item.evidence.name}").status_code == 200
    # The reviewer sees the inspection read-only and cannot change the items.
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert "台账不全" in page and 'name="items-0-finding"' not in page


def test_the_reviewer_approves_in_the_admin_and_the_owner_cannot(client, inspection, people):
    owner, reviewer = people
    fill(inspection, owner)
    inspection_submit(actor=owner, inspection=inspection)
    changelist = reverse("admin:programme_selfinspection_changelist")
    post = {"action": "approve", "_selected_action": [inspection.pk]}
    client.force_login(owner)
    response = client.post(changelist, post, follow=True)
    assert "复核人不能是自查负责人本人" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == SelfInspection.Status.SUBMITTED
    client.force_login(reviewer)
    client.post(changelist, post)
    inspection.refresh_from_db()
    assert inspection.status == SelfInspection.Status.REVIEWED and inspection.reviewer == reviewer


def test_the_leader_reads_inspections_and_changes_nothing(client, inspection, people, staff):
    owner, _ = people
    fill(inspection, owner)
    inspection_submit(actor=owner, inspection=inspection)
    client.force_login(staff("leader", roles.LEADER))
    url = reverse("admin:programme_selfinspection_change", args=[inspection.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"inspected_on": "2025-01-01"}).status_code == 403
    client.post(
        reverse("admin:programme_selfinspection_changelist"),
        {"action": "approve", "_selected_action": [inspection.pk]},
    )
    inspection.refresh_from_db()
    assert inspection.status == SelfInspection.Status.SUBMITTED


def test_the_annual_report_gains_findings_and_the_written_summary(admin_client, inspection, people):
    owner, reviewer = people
    fill(inspection, owner)
    inspection_submit(actor=owner, inspection=inspection)
    inspection_review(actor=reviewer, inspection=inspection, approve=True)
    plan = inspection.phase.plan
    plan.achievements = "全县完成建档。"
    plan.shortcomings = "健康证更新不及时。"
    plan.next_steps = "常态化开展自查。"
    work_plan_save(actor=owner, plan=plan)
    summary = inspection_summary(2025, DAY + datetime.timedelta(days=30))
    assert (summary.inspections, summary.reviewed, len(summary.findings)) == (1, 1, 1)
    finding = summary.findings[0]
    assert finding.rectification_status == "整改中" and finding.overdue
    assert finding.reviewer == "reviewer"
    html = admin_client.get(reverse("admin:reporting_annualreport_print", args=[2025]))
    text = html.content.decode()
    assert "九、工作自查" in text and "宣传未覆盖两个乡镇。" in text
    assert (
        "十、年度工作总结" in text and "健康证更新不及时。" in text and "常态化开展自查。" in text
    )
