"""The benchmarks' baseline page is routed only when BENCH_BASELINE_VIEW is on."""

import importlib

import pytest
from django.urls import clear_url_caches

from zhouqu_jiazheng import urls

pytestmark = pytest.mark.django_db


def reload_urls() -> None:
    importlib.reload(urls)
    clear_url_caches()


def test_not_routed_by_default(client):
    assert client.get("/bench/baseline/").status_code == 404


def test_when_enabled_it_renders_the_public_layout_without_a_query(
    client, settings, django_assert_num_queries
):
    settings.BENCH_BASELINE_VIEW = True
    reload_urls()
    try:
        with django_assert_num_queries(0):
            response = client.get("/bench/baseline/")
        assert response.status_code == 200
        assert "<main" in response.content.decode()
    finally:
        settings.BENCH_BASELINE_VIEW = False
        reload_urls()
    assert client.get("/bench/baseline/").status_code == 404
