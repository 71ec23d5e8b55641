"""Who reads a case's timeline decides how it is worded, and the resident reads the
enterprise's answer: the portal promises it, the tracking page shows it."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from complaints.models import Complaint, ComplaintUpdate
from complaints.services import (
    complaint_accept,
    complaint_close,
    complaint_mediation_end,
    complaint_mediation_start,
    complaint_not_accept,
    complaint_reopen,
)
from complaints.timeline import WORDING, Audience, wording
from tests.complaints.test_pages import NEW, TRACK, form_data
from tests.factories.registry import EnterpriseFactory
from tests.portal_clients import portal_client
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

PHONE = "13909412222"
# Words that speak to the complainant: wrong for anyone else reading the line.
ADDRESSING_THE_RESIDENT = ("您的投诉", "联系您", "您和")


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(
        username="tousu", password="pw", is_staff=True, first_name="王建国"
    )
    user.groups.add(Group.objects.get(name=roles.COMPLAINT_OFFICER))
    return user


@pytest.fixture
def anxin():
    return portal_client(EnterpriseFactory(name="舟曲县安心家政服务有限公司"))


def submit(anxin) -> Complaint:
    """A complaint sent through the public form, then linked to the enterprise."""
    Client().post(NEW, form_data())
    complaint = Complaint.objects.get()
    complaint.enterprise = anxin.enterprise
    complaint.save(update_fields=["enterprise"])
    return complaint


def resident_page(complaint) -> str:
    resident = Client()
    response = resident.post(TRACK, {"tracking_number": complaint.tracking_number, "phone": PHONE})
    assert response.status_code == 302
    return resident.get(response.url).content.decode()


def portal_page(anxin, complaint) -> str:
    return anxin.get(reverse("portal:complaints_detail", args=[complaint.pk])).content.decode()


def staff_page(officer, complaint) -> str:
    """The timeline lines of the case's admin page (its SMS log rightly speaks to the
    resident, so the rest of the page is left out)."""
    client = Client()
    client.force_login(officer)
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    html = client.get(url).content.decode()
    lines = re.findall(r"<strong>\[(?:公开|内部)\]</strong> (.*?)</li>", html)
    assert lines
    return "\n".join(lines)


def test_the_resident_reads_the_enterprises_answer_on_the_tracking_page(anxin, officer):
    complaint = complaint_accept(actor=officer, complaint=submit(anxin))
    form = portal_page(anxin, complaint)
    assert "投诉进度查询页面" in form  # the promise, worded as the product keeps it
    answer = "已联系张阿姨，周六上门补做厨房保洁，并退还50元。"
    response = anxin.post(
        reverse("portal:complaints_detail", args=[complaint.pk]), {"text": answer}
    )
    assert response.status_code == 302
    page = resident_page(complaint)
    assert "企业的答复" in page and answer in page
    assert "舟曲县安心家政服务有限公司于" in page

    corrected = "已联系张阿姨，周六上门补做厨房保洁，并退还全部费用。"
    anxin.post(reverse("portal:complaints_detail", args=[complaint.pk]), {"text": corrected})
    page = resident_page(complaint)
    assert corrected in page and answer not in page
    assert "修改或补充过" in page


def test_no_answer_no_answer_section(anxin, officer):
    complaint = complaint_accept(actor=officer, complaint=submit(anxin))
    assert "企业的答复" not in resident_page(complaint)


def test_each_reader_gets_the_timeline_in_its_own_words(anxin, officer):
    complaint = complaint_accept(actor=officer, complaint=submit(anxin))
    complaint = complaint_mediation_start(actor=officer, complaint=complaint)
    anxin.post(reverse("portal:complaints_detail", args=[complaint.pk]), {"text": "已退款。"})

    resident = resident_page(complaint)
    assert "已收到您的投诉" in resident
    assert "工作人员将联系您和被投诉企业" in resident
    assert "被投诉企业已答复" in resident

    enterprise = portal_page(anxin, complaint)
    assert "投诉人提交了投诉" in enterprise
    assert "工作人员将联系投诉人和贵企业" in enterprise
    assert "贵企业已提交答复" in enterprise
    due = complaint.response_due
    assert f"请于{due:%Y年%m月%d日}前在本平台答复" in enterprise

    staff = staff_page(officer, complaint)
    assert "收到投诉，7个工作日内决定是否受理" in staff
    assert "开始调解，联系投诉人和被投诉企业" in staff
    for words in ADDRESSING_THE_RESIDENT:
        assert words not in enterprise
        assert words not in staff


def test_no_line_the_product_writes_addresses_the_resident_outside_the_tracking_page(
    anxin, officer
):
    """Every public line of every path through the status machine, as the enterprise and
    the staff read it."""
    complaint = complaint_accept(actor=officer, complaint=submit(anxin))
    complaint = complaint_mediation_start(actor=officer, complaint=complaint)
    anxin.post(reverse("portal:complaints_detail", args=[complaint.pk]), {"text": "已退款。"})
    anxin.post(reverse("portal:complaints_detail", args=[complaint.pk]), {"text": "已退款100元。"})
    complaint = complaint_mediation_end(
        actor=officer, complaint=complaint, agreed=True, summary="退还100元。"
    )
    complaint = complaint_close(
        actor=officer, complaint=complaint, outcome="已退款。", substantiated=True
    )
    complaint = complaint_reopen(actor=officer, complaint=complaint, reason="投诉人反映未收到退款")
    Client().post(NEW, form_data(token="e" * 32, description="另一件事：保洁员迟到两个小时。"))
    refused = Complaint.objects.exclude(pk=complaint.pk).get()
    complaint_not_accept(actor=officer, complaint=refused, reason="不属于家政服务纠纷")

    lines = ComplaintUpdate.objects.filter(visibility=ComplaintUpdate.Visibility.PUBLIC)
    assert lines.count() >= 10
    enterprise = portal_page(anxin, complaint)
    staff = staff_page(officer, complaint) + staff_page(officer, refused)
    for words in ADDRESSING_THE_RESIDENT:
        assert words not in enterprise
        assert words not in staff


@pytest.mark.parametrize("event", sorted(WORDING))
@pytest.mark.parametrize("audience", [Audience.ENTERPRISE, Audience.STAFF])
def test_every_event_is_worded_for_readers_other_than_the_resident(event, audience):
    text = wording(event, {"due": "2025-12-01", "response_due": "2025-11-10"}, audience)
    assert text and "您" not in text


def test_lines_written_before_the_wording_per_reader_are_named_by_the_migration():
    from importlib import import_module

    migration = import_module("complaints.migrations.0002_complaintupdate_event_wording")
    for text, event in migration.FIXED_WORDING.items():
        assert event in WORDING
        # The old fixed wording is what the resident still reads.
        assert "您" not in text or wording(event, {}, Audience.RESIDENT).count("您") >= 1
