"""Staff open an enterprise's portal accounts from its admin page and hand over the one-time
link; they can send a new link or deactivate an account; read-only roles cannot."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.personal_data import phone_plain
from portal.models import PortalAccount
from tests.factories.registry import EnterpriseFactory
from tests.portal_fixtures import PASSWORD, portal_account
from zhouqu_jiazheng.roles import LEADER

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/portal/password/set/[^/\"]+/[^/\"]+/")


def create_url(enterprise) -> str:
    return reverse("admin:portal_portalaccount_create", args=[enterprise.pk])


def form(**extra) -> dict:
    data = {"username": "anxin-boss", "mobile": "139 0941 7001", "full_name": "马经理"}
    data["role"] = PortalAccount.Role.OWNER
    data.update(extra)
    return data


def test_open_an_account_from_the_enterprise_page(staff_client):
    enterprise = EnterpriseFactory(name="舟曲县安心家政服务有限公司")
    change_page = staff_client.get(
        reverse("admin:registry_enterprise_change", args=[enterprise.pk])
    )
    assert "开通企业平台账号" in change_page.content.decode()
    assert create_url(enterprise) in change_page.content.decode()

    assert "开通企业平台账号" in staff_client.get(create_url(enterprise)).content.decode()
    response = staff_client.post(create_url(enterprise), form())
    page = response.content.decode()
    assert response.status_code == 200 and "只能使用一次" in page and "3天" in page
    link = LINK.search(page).group(0)

    account = PortalAccount.objects.get(enterprise=enterprise)
    assert (
        account.user.get_username() == "anxin-boss"
        and phone_plain(account, "mobile") == "13909417001"
    )
    assert account.created_by == staff_client.user
    assert account.history.first().history_user == staff_client.user
    assert not account.user.is_staff and not account.user.has_usable_password()

    # The person opens the link and sets a password, then logs in.
    person = Client()
    set_page = person.get(link, follow=True)
    assert "设置登录密码" in set_page.content.decode()
    form_url = set_page.redirect_chain[-1][0]
    person.post(form_url, {"new_password1": "Anxin2025ok", "new_password2": "Anxin2025ok"})
    login = person.post(
        reverse("portal:login"), {"username": "13909417001", "password": "Anxin2025ok"}
    )
    assert login.status_code == 302 and login.url == reverse("portal:home")


def test_staff_member_accounts_and_bad_input(staff_client):
    enterprise = EnterpriseFactory()
    staff_client.post(create_url(enterprise), form())
    response = staff_client.post(
        create_url(enterprise), form(username="ANXIN-BOSS", mobile="13909417001")
    )
    page = response.content.decode()
    assert "该用户名已被使用" in page and "该手机号码已开通企业平台账号" in page
    response = staff_client.post(create_url(enterprise), form(username="clerk", mobile="12345"))
    assert "手机号码应为11位数字" in response.content.decode()
    response = staff_client.post(create_url(enterprise), form(username="", mobile="13909417002"))
    assert "这个字段是必填项" in response.content.decode()
    assert PortalAccount.objects.count() == 1

    staff_client.post(
        create_url(enterprise),
        form(username="clerk", mobile="13909417002", role=PortalAccount.Role.STAFF),
    )
    assert PortalAccount.objects.filter(
        enterprise=enterprise, role=PortalAccount.Role.STAFF
    ).exists()
    # The create page lists the enterprise's existing accounts.
    page = staff_client.get(create_url(enterprise)).content.decode()
    assert "anxin-boss" in page and "clerk" in page


def test_list_search_and_filter_per_enterprise(staff_client):
    first, second = EnterpriseFactory(name="甲家政"), EnterpriseFactory(name="乙家政")
    a = portal_account(first)
    b = portal_account(second)
    url = reverse("admin:portal_portalaccount_changelist")
    page = staff_client.get(url, {"enterprise__id__exact": first.pk}).content.decode()
    assert a.user.get_username() in page and b.user.get_username() not in page
    page = staff_client.get(url, {"q": phone_plain(b, "mobile")}).content.decode()
    assert b.user.get_username() in page and a.user.get_username() not in page
    change = reverse("admin:portal_portalaccount_change", args=[a.pk])
    assert "重新发送设置密码链接" in staff_client.get(change).content.decode()


def test_send_a_new_link(staff_client):
    account = portal_account()
    assert account.user.check_password(PASSWORD)
    url = reverse("admin:portal_portalaccount_password_link", args=[account.pk])
    assert "原密码立即失效" in staff_client.get(url).content.decode()
    account.user.refresh_from_db()
    assert account.user.has_usable_password()  # a GET changes nothing
    page = staff_client.post(url).content.decode()
    assert LINK.search(page)
    account.user.refresh_from_db()
    assert not account.user.has_usable_password()


def test_deactivate(staff_client):
    account = portal_account()
    url = reverse("admin:portal_portalaccount_deactivate", args=[account.pk])
    staff_client.get(url)
    account.user.refresh_from_db()
    assert account.user.is_active
    response = staff_client.post(url)
    assert response.status_code == 302
    account.user.refresh_from_db()
    assert not account.user.is_active
    response = Client().post(
        reverse("portal:login"),
        {"username": account.user.get_username(), "password": PASSWORD},
    )
    assert response.status_code == 200  # refused


def test_bulk_actions(staff_client):
    first, second = portal_account(), portal_account()
    url = reverse("admin:portal_portalaccount_changelist")
    response = staff_client.post(
        url, {"action": "send_password_links", "_selected_action": [first.pk, second.pk]}
    )
    assert len(LINK.findall(response.content.decode())) == 2
    staff_client.post(url, {"action": "deactivate_accounts", "_selected_action": [first.pk]})
    first.user.refresh_from_db()
    second.user.refresh_from_db()
    assert not first.user.is_active and second.user.is_active


def test_read_only_roles_cannot_open_links_or_accounts(client, django_user_model):
    leader = django_user_model.objects.create_user(
        username="lingdao-t", password="pw-Test-123", is_staff=True
    )
    leader.groups.add(Group.objects.get(name=LEADER))
    client.force_login(leader)
    account = portal_account()
    enterprise = account.enterprise
    assert client.get(reverse("admin:portal_portalaccount_changelist")).status_code == 200
    change_page = client.get(reverse("admin:registry_enterprise_change", args=[enterprise.pk]))
    assert "开通企业平台账号" not in change_page.content.decode()
    for url in (
        create_url(enterprise),
        reverse("admin:portal_portalaccount_password_link", args=[account.pk]),
        reverse("admin:portal_portalaccount_deactivate", args=[account.pk]),
    ):
        assert client.post(url, form(username="x1", mobile="13909417009")).status_code == 403
    account.user.refresh_from_db()
    assert account.user.is_active and account.user.has_usable_password()
    assert PortalAccount.objects.count() == 1
