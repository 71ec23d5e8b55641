import pytest

from demo.seed import DEMO_PASSWORD


@pytest.mark.django_db
def test_admin_is_titled_and_in_chinese(staff_client):
    response = staff_client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "舟曲县信易+家政信用管理平台" in html
    assert "乡镇" in html


@pytest.mark.django_db
def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_demo_accounts_can_log_in(client, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", "--light", verbosity=0)
    login = client.post(
        "/admin/login/", {"username": "lingdao", "password": DEMO_PASSWORD, "next": "/admin/"}
    )
    assert login.status_code == 302 and login.url == "/admin/"
    response = client.get("/admin/registry/township/")
    assert response.status_code == 200
    assert "城关镇" in response.content.decode()
    # 领导 sees the list but cannot add to it.
    assert client.get("/admin/registry/township/add/").status_code == 403
