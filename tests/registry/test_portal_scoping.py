"""Every registry portal page is scoped to the signed-in enterprise and needs a portal login."""

import pytest
from django.test import Client
from django.urls import reverse

from registry.models import ChangeRequest
from registry.services import changes
from tests.registry.test_portal_changes import jpeg_with_exif, profile_data

pytestmark = pytest.mark.django_db

Status = ChangeRequest.Status


# --- Scoping: enterprise A never reaches enterprise B ----------------------------------------

MODULES = {"registry.portal_views_profile", "registry.portal_views_workers"}


def registry_portal_url_names() -> set[str]:
    """The portal pages of the profile, prices, licences and workers modules."""
    from registry.portal_urls import urlpatterns

    return {p.name for p in urlpatterns if p.callback.__module__ in MODULES}


def test_every_portal_page_is_scoped_to_the_own_enterprise(staff_client):
    from registry.models import Employment, HealthCertificate, TrainingRecord, Worker
    from tests.factories.registry import EmploymentFactory
    from tests.portal_fixtures import portal_pair

    pair = portal_pair()
    a, b = pair.a, pair.b
    b_change = changes.change_request_submit_profile(
        actor=b.user, enterprise=b.enterprise, data={"contact_person": "乙方联系人"}
    )
    b_current = EmploymentFactory(enterprise=b.enterprise, worker__name="乙方在职")
    b_former = EmploymentFactory(
        enterprise=b.enterprise, worker__name="乙方离职", ended_on="2025-01-31"
    )

    worker_ids = [b_current.pk, b_former.pk]
    with_ids = {  # url name: (B's ids, a valid POST)
        "change_withdraw": ([b_change.pk], {}),
        "worker": (worker_ids, {}),
        "worker_end": (worker_ids, {"ended_on": "2025-06-30", "reason": "越权"}),
        "worker_health": (
            worker_ids,
            {"number": "X", "issuer": "X", "valid_from": "2025-01-01", "valid_to": "2026-01-01"},
        ),
        "worker_training": (
            worker_ids,
            {"course": "X", "provider": "X", "hours": "8", "completed_on": "2025-01-01"},
        ),
    }
    without_ids = {
        "profile",
        "profile_edit",
        "offerings",
        "offerings_edit",
        "qualifications",
        "qualification_add",
        "workers",
        "worker_add",
    }
    # Every page registry adds to the portal is covered here.
    assert set(with_ids) | without_ids == registry_portal_url_names()

    for name, (ids, post) in with_ids.items():
        for pk in ids:
            url = reverse(f"portal:{name}", args=[pk])
            assert a.client.get(url).status_code == 404, url
            files = {"scan": jpeg_with_exif(), "certificate": jpeg_with_exif()}
            assert a.client.post(url, {**post, **files}).status_code == 404, url

    for name in without_ids:
        page = a.client.get(reverse(f"portal:{name}")).content.decode()
        assert b.enterprise.name not in page, name
        assert "乙方" not in page, name

    # Posting B's id in a form never redirects the change to B.
    a.client.post(
        reverse("portal:profile_edit"),
        {**profile_data(a.enterprise, contact_person="甲方联系人"), "enterprise": b.enterprise.pk},
    )
    assert ChangeRequest.objects.filter(enterprise=b.enterprise).count() == 1

    b_change.refresh_from_db()
    b_current.refresh_from_db()
    b_former.refresh_from_db()
    assert b_change.status == Status.PENDING
    assert b_current.ended_on is None and b_former.end_reason == ""
    assert not HealthCertificate.objects.exists() and not TrainingRecord.objects.exists()
    assert Worker.objects.count() == 2
    assert Employment.objects.filter(enterprise=a.enterprise).count() == 0
    # B's own pages still work for B.
    assert b.client.get(reverse("portal:worker", args=[b_current.pk])).status_code == 200


WITH_ID = {"change_withdraw", "worker", "worker_end", "worker_health", "worker_training"}


@pytest.mark.parametrize("name", sorted(registry_portal_url_names()))
def test_portal_pages_need_a_portal_login(staff_client, name):
    url = reverse(f"portal:{name}", args=[1] if name in WITH_ID else [])
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))
    assert staff_client.get(url).status_code == 403  # staff use the admin, not the portal
