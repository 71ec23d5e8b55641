"""Addresses printed in QR codes and handed to portal users."""

from django.test import RequestFactory

from core.links import absolute_url, absolute_url_builder


def test_without_site_url_the_requested_address_is_used(settings):
    settings.SITE_URL = ""
    request = RequestFactory().get("/portal/cards/", HTTP_HOST="127.0.0.1:8000")
    assert absolute_url(request, "/verify/abc/") == "http://127.0.0.1:8000/verify/abc/"


def test_site_url_wins_so_printed_codes_work_outside_the_office(settings):
    settings.SITE_URL = "https://jiazheng.zhouqu.gov.cn/"
    request = RequestFactory().get("/portal/cards/", HTTP_HOST="127.0.0.1:8000")
    assert absolute_url(request, "/verify/abc/") == "https://jiazheng.zhouqu.gov.cn/verify/abc/"
    assert absolute_url_builder(request)("/credit/?q=1") == (
        "https://jiazheng.zhouqu.gov.cn/credit/?q=1"
    )
