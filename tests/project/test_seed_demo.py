import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from registry.models import Township

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
    counts = {"users": get_user_model().objects.count(), "townships": Township.objects.count()}
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == {
        "users": get_user_model().objects.count(),
        "townships": Township.objects.count(),
    }
    assert "admin" in out.getvalue()
    assert get_user_model().objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_seed_demo_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()
