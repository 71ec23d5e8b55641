"""Staff publish template versions and read agreements per enterprise, with their counts, in
the back office; the enterprise's dossier shows its agreements."""

import pytest
from django.urls import reverse

from agreements.clauses_default import HEADINGS
from agreements.models import AgreementTemplate
from agreements.selectors import template_in_force

pytestmark = pytest.mark.django_db


def _clauses(prefix: str) -> dict:
    return {f"clause_{i}": f"{prefix}{heading}的条款文字。" for i, heading in enumerate(HEADINGS)}


def test_staff_publish_a_template_and_then_a_new_version(staff_client, shop):
    add = reverse("admin:agreements_agreementtemplate_add")
    page = staff_client.get(add).content.decode()
    assert "争议解决" in page and "12315" in page  # the general template's text to start from
    response = staff_client.post(
        add, {"category": shop.cleaning.pk, "title": "日常保洁服务约定", **_clauses("一版")}
    )
    assert response.status_code == 302
    first = AgreementTemplate.objects.get(category=shop.cleaning)
    assert first.version == 1 and first.published_by == staff_client.user
    assert first.clauses[0] == {
        "heading": "服务内容和标准",
        "text": "一版服务内容和标准的条款文字。",
    }
    # A published version cannot be edited: its change page is read-only.
    change = staff_client.get(reverse("admin:agreements_agreementtemplate_change", args=[first.pk]))
    assert 'name="title"' not in change.content.decode()
    new_version = reverse("admin:agreements_agreementtemplate_new_version", args=[first.pk])
    assert "一版服务内容和标准" in staff_client.get(new_version).content.decode()
    staff_client.post(new_version, {"title": "日常保洁服务约定", **_clauses("二版")})
    assert template_in_force(shop.cleaning).version == 2
    listing = staff_client.get(reverse("admin:agreements_agreementtemplate_changelist"))
    in_force = listing.content.decode().count('alt="True"')
    assert in_force == 2  # the general template and the cleaning template's version 2
    first.refresh_from_db()
    assert first.clauses[0]["text"].startswith("一版")


def test_a_template_needs_every_required_clause(staff_client, shop):
    clauses = _clauses("")
    clauses["clause_8"] = ""
    response = staff_client.post(
        reverse("admin:agreements_agreementtemplate_add"),
        {"category": "", "title": "通用范本", **clauses},
    )
    assert response.status_code == 200
    assert AgreementTemplate.objects.filter(category__isnull=True).count() == 1


def test_staff_read_agreements_per_enterprise_with_counts(staff_client, shop, sms):
    agreement = shop.issue()
    changelist = reverse("admin:agreements_serviceagreement_changelist")
    page = staff_client.get(f"{changelist}?enterprise__id__exact={shop.enterprise.pk}&_facets=1")
    content = page.content.decode()
    assert agreement.number in content and "138****7777" in content
    assert "待客户确认 (1)" in content or "待客户确认</a> (1)" in content or "(1)" in content
    detail = staff_client.get(
        reverse("admin:agreements_serviceagreement_change", args=[agreement.pk])
    ).content.decode()
    assert "服务内容和标准" in detail and "13899417777" not in detail
    dossier = staff_client.get(
        reverse("admin:registry_enterprise_dossier", args=[shop.enterprise.pk])
    ).content.decode()
    assert "标准化服务约定" in dossier and agreement.number in dossier


def test_the_dashboard_counts_agreements(staff_client, shop, sms):
    shop.issue()
    content = staff_client.get(reverse("admin:index")).content.decode()
    assert "标准化服务约定" in content and "出具服务约定" in content
