import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from registry.models import (
    Employment,
    Enterprise,
    HealthCertificate,
    ServiceOffering,
    Township,
    Validity,
    Worker,
)

TOWNSHIPS = [
    "城关镇",
    "峰迭镇",
    "大川镇",
    "立节镇",
    "东山镇",
    "果耶镇",
    "巴藏镇",
    "憨班镇",
    "江盘镇",
    "曲告纳镇",
    "博峪镇",
    "拱坝镇",
    "武坪镇",
    "大峪镇",
    "八楞乡",
    "插岗乡",
    "曲瓦乡",
    "南峪乡",
    "坪定镇",
]


@pytest.mark.django_db
def test_the_county_townships_are_all_there():
    assert sorted(Township.objects.values_list("name", flat=True)) == sorted(TOWNSHIPS)


@pytest.mark.django_db
def test_seed_demo_twice_creates_no_duplicates(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = demo_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == demo_counts()
    assert counts["enterprises"] == 30 and counts["workers"] == 300
    assert "admin" in out.getvalue()
    assert get_user_model().objects.get(username="admin").is_superuser


def demo_counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "townships": Township.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "workers": Worker.objects.count(),
        "employments": Employment.objects.count(),
        "certificates": HealthCertificate.objects.count(),
        "offerings": ServiceOffering.objects.count(),
    }


@pytest.mark.django_db
def test_demo_documents_are_in_every_validity_state(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    for model in (Worker, Enterprise):
        states = set(model.objects.values_list("document_status", flat=True))
        assert states == set(Validity.values), model
    assert set(HealthCertificate.objects.values_list("validity", flat=True)) == {
        Validity.VALID, Validity.EXPIRING, Validity.EXPIRED,
    }  # fmt: skip


@pytest.mark.django_db
def test_seed_demo_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()
