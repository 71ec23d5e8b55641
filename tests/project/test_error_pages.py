"""Error pages are Chinese, in the site's style, with a way back, when DEBUG is off."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import include, path

from zhouqu_jiazheng import roles


def _boom(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [
    path("boom/", _boom),
    path("", include("zhouqu_jiazheng.urls")),
]

ENGLISH = ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF", "The requested")


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def assert_chinese_page(response, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert 'href="/"' in html and 'href="/complaints/track/"' in html  # the way back
    assert "site.css" in html and "舟曲县" in html  # the site's layout
    for word in ENGLISH:
        assert word not in html, word
    return html


@pytest.mark.django_db
def test_unknown_page_is_a_chinese_404(client):
    assert_chinese_page(client.get("/no-such-page/"), 404, "找不到这个页面")


@pytest.mark.django_db
def test_unknown_admin_page_is_a_chinese_404(staff_client):
    assert_chinese_page(staff_client.get("/admin/no-such-section/"), 404, "找不到这个页面")


@pytest.mark.django_db
def test_refused_admin_page_is_a_chinese_403(client, django_user_model):
    leader = django_user_model.objects.create_user("lingdao-test", is_staff=True)
    leader.groups.add(Group.objects.get(name=roles.LEADER))
    client.force_login(leader)
    assert_chinese_page(client.get("/admin/registry/township/add/"), 403, "您没有权限打开这个页面")


@pytest.mark.django_db
def test_bad_request_is_a_chinese_400(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert_chinese_page(response, 400, "请求有误")


@pytest.mark.django_db
def test_expired_form_is_a_chinese_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/complaints/track/", {"tracking_number": "TS1", "phone": "1"})
    assert_chinese_page(response, 403, "页面已过期，请重新提交")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_fault_in_a_view_is_a_chinese_500(client):
    client.raise_request_exception = False
    html = assert_chinese_page(client.get("/boom/"), 500, "系统暂时出了点问题")
    assert "a fault in a view" not in html
