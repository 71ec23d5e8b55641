"""The 投诉记录 section of the dossiers."""

import pytest
from django.urls import reverse

from registry.dossier import ENTERPRISE, WORKER, registered_keys
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def test_registered_for_both_kinds_of_subject():
    for kind in (ENTERPRISE, WORKER):
        assert "complaints" in registered_keys(kind)


def test_the_enterprise_dossier_lists_its_complaints_without_contact_details(client, admin_user):
    enterprise = EnterpriseFactory()
    case = ComplaintFactory(
        enterprise=enterprise, phone="13909417777", substantiated=True, status="closed"
    )
    ComplaintFactory()  # another enterprise's
    client.force_login(admin_user)
    html = client.get(reverse("admin:registry_enterprise_dossier", args=[enterprise.pk])).content
    html = html.decode()
    assert "投诉记录" in html and case.tracking_number in html
    assert "共 <strong>1</strong> 件投诉，其中办结认定属实 <strong>1</strong> 件" in html
    assert "13909417777" not in html and "139****7777" not in html
    assert case.complainant_name not in html


def test_a_worker_without_complaints_says_so(client, admin_user):
    worker = WorkerFactory()
    client.force_login(admin_user)
    html = client.get(reverse("admin:registry_worker_dossier", args=[worker.pk])).content.decode()
    assert "暂无投诉记录" in html
