"""The published service standards (服务标准与指导价): a public page of the standard service
items with their process, commitments and guide price range, linked from the home page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from registry.models import ServiceCategory
from tests.factories.registry import ServiceCategoryFactory

pytestmark = pytest.mark.django_db


def test_the_page_shows_every_active_item_with_its_process_commitment_and_guide_price(client):
    ServiceCategory.objects.update(is_active=False)
    ServiceCategoryFactory(
        code="window-clean",
        name="高层擦窗",
        standard_process="上门核对需求\n分区清洁\n客户验收",
        commitment="不用客户家中的清洁剂以外的化学品。",
        unit=ServiceCategory.Unit.SQM,
        guide_price_min=Decimal("6.50"),
        guide_price_max=Decimal("12"),
    )
    ServiceCategoryFactory(code="retired", name="已停用项目", is_active=False)

    response = client.get(reverse("services:standards"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "高层擦窗" in page
    assert "上门核对需求<br>分区清洁<br>客户验收" in page
    assert "不用客户家中的清洁剂以外的化学品。" in page
    assert "6.50–12 元/平方米" in page
    assert "已停用项目" not in page
    assert reverse("complaints:new") in page  # where to go when a bill is out of line


def test_the_seeded_catalogue_is_published_in_its_order(client):
    page = client.get(reverse("services:standards")).content.decode()
    names = list(
        ServiceCategory.objects.filter(is_active=True)
        .order_by("sort_order", "name")
        .values_list("name", flat=True)
    )
    assert names, "the migrations seed the standard catalogue"
    positions = [page.index(f">{name}</h2>") for name in names]
    assert positions == sorted(positions)


def test_without_published_items_the_page_says_so(client):
    ServiceCategory.objects.update(is_active=False)
    page = client.get(reverse("services:standards")).content.decode()
    assert "服务标准正在制定中" in page


def test_the_home_page_links_the_standards(client):
    page = client.get(reverse("home")).content.decode()
    assert reverse("services:standards") in page
    assert "服务标准与指导价" in page


def test_the_page_only_answers_reads(client):
    assert client.post(reverse("services:standards")).status_code == 405


def test_the_standards_live_at_services_and_the_old_address_redirects(client):
    assert reverse("services:standards") == "/services/"
    response = client.get("/services/standards/")
    assert response.status_code == 301 and response["Location"] == "/services/"
