"""绿色通道: AA and AAA enterprises' change requests and uploaded documents are marked when
they arrive, due sooner (in working days), listed first for staff, and the dashboard says
whether each track's target was kept."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.workdays import add_working_days
from registry.models import HealthCertificate
from registry.services import change_request_approve, change_request_submit_profile
from registry.services.documents import records_verify
from registry.services.portal_workers import portal_health_certificate_add
from registry.statistics import review_targets
from tests.factories.incentives import grade, key_list
from tests.factories.registry import EmploymentFactory, EnterpriseFactory
from tests.portal_fixtures import portal_user

pytestmark = pytest.mark.django_db

# Thursday 20 November 2025, 10:00 in Zhouqu.
NOW = datetime.datetime(2025, 11, 20, 2, tzinfo=datetime.UTC)
TODAY = datetime.date(2025, 11, 20)


@pytest.fixture(autouse=True)
def accounts():
    ACCOUNTS.clear()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def scan() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 120), "#ffffff").save(buffer, format="PNG")
    return SimpleUploadedFile("health.png", buffer.getvalue(), content_type="image/png")


ACCOUNTS = {}


def ask(enterprise, name="新名称"):
    if enterprise.pk not in ACCOUNTS:
        ACCOUNTS[enterprise.pk] = portal_user(enterprise).user
    return change_request_submit_profile(
        actor=ACCOUNTS[enterprise.pk], enterprise=enterprise, data={"contact_person": name}
    )


@pytest.mark.parametrize(
    ("grade_value", "listed", "fast"),
    [("AAA", False, True), ("AA", False, True), ("A", False, False), ("B", False, False),
     (None, False, False), ("AA", True, False)],
)  # fmt: skip
def test_only_aa_and_aaa_enterprises_off_the_key_list_get_the_fast_track(
    grade_value, listed, fast, settings
):
    enterprise = EnterpriseFactory()
    grade(enterprise, grade_value)
    if listed:
        key_list(enterprise)
    change = ask(enterprise)
    days = settings.FAST_TRACK_REVIEW_DAYS if fast else settings.REVIEW_TARGET_DAYS
    assert change.fast_track is fast
    assert change.review_due_on == add_working_days(TODAY, days)


def test_an_uploaded_health_certificate_is_marked_and_its_verification_is_timed(settings):
    employment = EmploymentFactory()
    grade(employment.enterprise, "AAA")
    certificate = portal_health_certificate_add(
        actor=None,
        employment=employment,
        number="JK2025001",
        issuer="舟曲县疾控中心",
        valid_from=datetime.date(2025, 6, 1),
        valid_to=datetime.date(2026, 6, 1),
        scan=scan(),
    )
    assert certificate.fast_track and not certificate.verified
    assert certificate.review_due_on == add_working_days(TODAY, settings.FAST_TRACK_REVIEW_DAYS)
    records_verify(actor=None, records=HealthCertificate.objects.filter(pk=certificate.pk))
    certificate.refresh_from_db()
    assert certificate.verified and certificate.verified_at == NOW


def test_staff_see_the_fast_track_first_and_in_their_inbox(admin_client):
    trusted, other = EnterpriseFactory(name="守信家政"), EnterpriseFactory(name="普通家政")
    grade(trusted, "AA")
    ask(other)
    ask(trusted)
    page = admin_client.get("/admin/registry/changerequest/?status__exact=pending").content
    text = page.decode().split('id="result_list"')[1].split("</table>")[0]
    assert text.index("守信家政") < text.index("普通家政")
    filtered = admin_client.get(
        "/admin/registry/changerequest/?status__exact=pending&fast_track__exact=1"
    ).content.decode()
    filtered = filtered.split('id="result_list"')[1].split("</table>")[0]
    assert "守信家政" in filtered and "普通家政" not in filtered
    dashboard = admin_client.get("/admin/").content.decode()
    assert "绿色通道：守信企业变更申请待审核" in dashboard
    assert "企业申请审核时限（绿色通道）" in dashboard


def test_the_figures_say_whether_each_track_kept_its_target(clock, settings):
    trusted, other = EnterpriseFactory(), EnterpriseFactory()
    grade(trusted, "AAA")
    change_request_approve(actor=None, change_request=ask(trusted, "甲"))
    late = ask(trusted, "乙")  # still pending on the 28th: past its two working days
    ordinary = ask(other, "丙")
    clock.move_to(datetime.datetime(2025, 11, 28, 2, tzinfo=datetime.UTC))  # 6 working days on
    change_request_approve(actor=None, change_request=ordinary)
    fast, others = review_targets(
        2025,
        datetime.date(2025, 11, 28),
        settings.FAST_TRACK_REVIEW_DAYS,
        settings.REVIEW_TARGET_DAYS,
    )
    assert late.review_due_on == datetime.date(2025, 11, 24)
    assert (fast.handled, fast.on_time, fast.waiting, fast.overdue) == (1, 1, 1, 1)
    assert (others.handled, others.on_time, others.waiting) == (1, 0, 0)
    assert fast.on_time_percent == 100.0 and others.on_time_percent == 0.0


def test_the_enterprise_reads_that_its_request_is_fast_tracked_and_when_it_is_due():
    enterprise = EnterpriseFactory()
    grade(enterprise, "AAA")
    ask(enterprise)
    client = portal_user(enterprise).client
    page = client.get("/portal/profile/").content.decode()
    assert "绿色通道" in page and "2025年11月24日前审核" in page
