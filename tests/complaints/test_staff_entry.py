"""The officer's 登记投诉/举报 form asks what the public forms ask — the worker, the service
item, the charge (乱收费, with the price snapshot and finding), the agreement number,
attachments with the file checks, the 举报 categories — and the timeline says how each case
arrived (the officer's name to staff only)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import CaseType, Channel, Complaint, PriceFinding, ReportCategory
from complaints.selectors import public_timeline
from complaints.timeline import Audience
from tests.agreements.conftest import CUSTOMER_MOBILE, Shop
from tests.complaints.test_channels import form_data, staff_client
from tests.complaints.test_pages import png_bytes
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db
ADD = "admin:complaints_complaint_add"


@pytest.fixture
def officer_client(client, django_user_model):
    return staff_client(client, django_user_model, roles.COMPLAINT_OFFICER)


def today() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def test_a_phoned_in_overcharging_complaint_keeps_worker_item_charge_and_files(officer_client):
    shop = Shop()
    photo = SimpleUploadedFile("receipt.png", png_bytes(), content_type="image/png")
    response = officer_client.post(
        reverse(ADD),
        form_data(
            enterprise=shop.enterprise.pk,
            enterprise_text="",
            worker=shop.worker.pk,
            service_category=shop.cleaning.pk,
            category="overcharging",
            charged_amount="400元",
            charged_quantity="4",
            service_date=today(),
            attachments=[photo],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint = Complaint.objects.get()
    assert complaint.worker == shop.worker and complaint.service_category == shop.cleaning
    assert complaint.charged_amount == Decimal("400") and complaint.published_price == 45
    assert complaint.price_finding == PriceFinding.ABOVE_BOTH
    assert complaint.attachments.count() == 1


def test_a_bad_attachment_or_charge_is_refused(officer_client):
    fake = SimpleUploadedFile("letter.pdf", b"plain text", content_type="application/pdf")
    response = officer_client.post(
        reverse(ADD), form_data(attachments=[fake], charged_amount="三百", service_date=today())
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "letter.pdf" in " ".join(errors["attachments"]) and "charged_amount" in errors
    assert not Complaint.objects.exists()


def test_a_letter_naming_an_agreement_is_tied_to_it(officer_client):
    shop = Shop()
    agreement = shop.issue()
    response = officer_client.post(
        reverse(ADD),
        form_data(
            channel=Channel.LETTER,
            phone=CUSTOMER_MOBILE,
            enterprise_text="",
            agreement_number=agreement.number,
            service_date=today(),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint = Complaint.objects.get()
    assert complaint.service_agreement == agreement
    assert complaint.enterprise == shop.enterprise and complaint.worker == shop.worker


def test_a_report_from_12315_takes_the_report_categories(officer_client):
    base = form_data(channel=Channel.HOTLINE_12315, case_type=CaseType.REPORT, category="")
    refused = officer_client.post(reverse(ADD), base)
    assert "请选择举报类别。" in " ".join(refused.context["form"].errors["report_category"])
    mixed = officer_client.post(
        reverse(ADD), {**base, "category": "overcharging", "report_category": "unlicensed"}
    )
    assert "category" in mixed.context["form"].errors
    assert not Complaint.objects.exists()
    done = officer_client.post(
        reverse(ADD),
        {
            **base,
            "report_category": ReportCategory.FAKE_CARD,
            "reported_card": "ZQ2025000123",
            "subject_address": "城关镇东街",
        },
    )
    assert done.status_code == 302
    report = Complaint.objects.get()
    assert (report.case_type, report.report_category, report.category) == (
        CaseType.REPORT,
        ReportCategory.FAKE_CARD,
        "",
    )
    assert report.reported_card == "ZQ2025000123" and report.subject_address == "城关镇东街"
    page = officer_client.get(reverse("admin:complaints_complaint_change", args=[report.pk]))
    html = page.content.decode()
    assert "假冒服务证" in html and "ZQ2025000123" in html


def test_the_timeline_says_how_the_case_arrived(officer_client, django_user_model):
    officer_client.user.first_name = "王晓明"
    officer_client.user.save()
    assert officer_client.post(reverse(ADD), form_data(service_date=today())).status_code == 302
    complaint = Complaint.objects.get()
    staff_page = officer_client.get(
        reverse("admin:complaints_complaint_change", args=[complaint.pk])
    ).content.decode()
    assert "收到投诉（电话，王晓明登记）" in staff_page
    resident = public_timeline(complaint, Audience.RESIDENT)[0].text
    enterprise = public_timeline(complaint, Audience.ENTERPRISE)[0].text
    assert "已收到您的投诉（电话）" in resident
    assert "电话" in enterprise
    for text in (resident, enterprise):
        assert "晓明" not in text
