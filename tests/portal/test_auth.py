"""Portal accounts and login protection: the one-time link, password rules, lockout,
idle expiry, logout everywhere on a password change, and the wall between portal and admin."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.personal_data import phone_plain
from portal.models import PortalAccount
from portal.services import portal_account_create, portal_account_password_link
from tests.factories.registry import EnterpriseFactory

pytestmark = pytest.mark.django_db

LOGIN = "/portal/login/"
PASSWORD = "Anxin2025jz"


@pytest.fixture
def account():
    enterprise = EnterpriseFactory(name="舟曲县安心家政服务有限公司")
    account, link = portal_account_create(
        actor=None,
        enterprise=enterprise,
        username="anxin",
        mobile="13909418001",
        full_name="马经理",
    )
    user = account.user
    user.set_password(PASSWORD)
    user.save()
    return account


def login(client, username=None, password=PASSWORD):
    return client.post(LOGIN, {"username": username or "anxin", "password": password})


def test_staff_create_an_account_and_the_person_sets_a_password_once(client):
    enterprise = EnterpriseFactory()
    account, link = portal_account_create(
        actor=None, enterprise=enterprise, username="qiaoshou", mobile="139 0941 8002"
    )
    assert phone_plain(account, "mobile") == "13909418002"
    assert not account.user.is_staff and not account.user.has_usable_password()
    page = client.get(link, follow=True)
    assert "设置登录密码" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Qiaoshou88x", "new_password2": "Qiaoshou88x"}
    )
    assert response.status_code == 200 or "请至少" in response.content.decode()
    response = client.post(form_url, {"new_password1": "Jz2025abcd", "new_password2": "Jz2025abcd"})
    assert response.status_code == 302 and response.url == reverse("portal:login")
    # The link is spent once the password is set.
    again = Client().get(link, follow=True).content.decode()
    assert "此链接已失效" in again
    assert login(Client(), "qiaoshou", "Jz2025abcd").status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1a", "密码太短：至少需要8个字符"),
        ("abcdefghij", "同时包含字母和数字"),
        ("1234567890", "同时包含字母和数字"),
        ("xanxin2025", "不能包含用户名"),
        ("ab13909418001", "不能包含手机号码"),
        ("password1", "太常见"),
    ],
)
def test_password_rules(client, account, password, message):
    link = portal_account_password_link(actor=None, account=account)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert message in response.content.decode()


def test_duplicate_username_or_mobile_is_refused():
    enterprise = EnterpriseFactory()
    portal_account_create(actor=None, enterprise=enterprise, username="a1", mobile="13909418003")
    with pytest.raises(ValidationError) as error:
        portal_account_create(
            actor=None, enterprise=enterprise, username="A1", mobile="13909418003"
        )
    assert set(error.value.message_dict) == {"username", "mobile"}


def test_login_by_username_or_mobile(account):
    for name in ("anxin", "13909418001", "139-0941-8001"):
        client = Client()
        response = login(client, name)
        assert response.status_code == 302 and response.url == reverse("portal:home")
        home = client.get(reverse("portal:home"))
        assert "舟曲县安心家政服务有限公司" in home.content.decode()


def test_wrong_password_is_a_chinese_message(client, account):
    response = login(client, password="wrong")
    assert "用户名（或手机号码）或密码不正确" in response.content.decode()


def test_five_failures_lock_the_username_from_that_address_for_thirty_minutes(account):
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(5):
        login(client, password="wrong-password1")
    locked = login(client)  # even the right password
    assert locked.status_code == 429
    assert "已锁定30分钟" in locked.content.decode()
    # Another address is not locked out of the same account.
    assert login(Client(REMOTE_ADDR="10.0.0.6")).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert login(Client(REMOTE_ADDR="10.0.0.5")).status_code == 302


def test_session_ends_after_thirty_idle_minutes(client, account):
    login(client)
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.session.get_expiry_age() == 30 * 60
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert client.get(reverse("portal:home")).status_code == 200  # renews the 30 minutes
    with time_machine.travel(timezone.now() + timedelta(minutes=29 + 29)):
        assert client.get(reverse("portal:home")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=29 + 29 + 31)):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_changing_the_password_logs_out_every_other_session(account):
    phone, office = Client(), Client()
    login(phone)
    login(office)
    response = office.post(
        reverse("portal:password_change"),
        {"old_password": PASSWORD, "new_password1": "Xinmima2026", "new_password2": "Xinmima2026"},
    )
    assert response.status_code == 302
    assert office.get(reverse("portal:home")).status_code == 200  # this session stays
    assert phone.get(reverse("portal:home")).status_code == 302  # the other one is out


def test_portal_users_never_reach_the_admin(client, account):
    login(client)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url
    # Even an admin login with the right password is refused: portal users are not staff.
    refused = Client().post(
        "/admin/login/", {"username": "anxin", "password": PASSWORD, "next": "/admin/"}
    )
    assert refused.status_code == 200
    assert not account.user.is_staff


def test_staff_cannot_use_the_portal(client, admin_user):
    response = client.post(LOGIN, {"username": admin_user.username, "password": "password"})
    assert "该账号不是企业平台账号" in response.content.decode()
    client.force_login(admin_user)
    assert client.get(reverse("portal:home")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_portal_login(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_a_deactivated_account_cannot_log_in(client, account):
    get_user_model().objects.filter(pk=account.user.pk).update(is_active=False)
    response = login(client)
    assert response.status_code == 200
    assert PortalAccount.objects.filter(pk=account.pk).exists()


# --- One account, one lockout counter, whatever spelling was typed ---------------------------

SPELLINGS = [
    "anxin",
    "ANXIN",
    "Anxin",
    " anxin ",
    "ａｎｘｉｎ",  # full-width letters
    "13909418001",
    "139 0941 8001",
    "139-0941-8001",
    "139.0941.8001",
    "1 3909418001",
    "+86 13909418001",
    "+8613909418001",
    "+86-139-0941-8001",
    "0086 13909418001",
    "008613909418001",
    "8613909418001",
    "１３９０９４１８００１",  # full-width digits
    "＋８６ １３９ ０９４１ ８００１",
    "１３９－０９４１－８００１",
]


@pytest.mark.parametrize("typed", SPELLINGS)
def test_every_spelling_of_the_username_or_mobile_logs_in(account, typed):
    client = Client()
    response = login(client, typed)
    assert response.status_code == 302 and response.url == reverse("portal:home"), typed
    assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.parametrize("typed", SPELLINGS)
def test_every_spelling_is_the_same_lockout_key(account, typed):
    from portal.auth import login_identifier

    assert login_identifier(typed) == "anxin"


def test_failures_in_different_spellings_count_for_one_account(account):
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="10.0.0.7")
    statuses = [
        login(client, typed, "wrong-password1").status_code
        for typed in SPELLINGS[:4] + SPELLINGS[5:6]  # five failures, five spellings
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert AccessAttempt.objects.get().username == "anxin"
    assert AccessAttempt.objects.get().failures_since_start == 5
    # The right password in any other spelling is refused, and the lock stays.
    for typed in SPELLINGS[6:]:
        response = login(Client(REMOTE_ADDR="10.0.0.7"), typed)
        assert response.status_code == 429, typed
        assert "已锁定30分钟" in response.content.decode()
    assert login(Client(REMOTE_ADDR="10.0.0.7"), "anxin").status_code == 429
    assert AccessAttempt.objects.count() == 1


def test_twenty_six_failures_in_mobile_spellings_lock_after_five(account):
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="10.0.0.8")
    statuses = []
    for n in range(26):
        typed = SPELLINGS[5 + n % (len(SPELLINGS) - 5)]
        statuses.append(login(client, typed, f"wrong-password{n}").status_code)
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}
    assert AccessAttempt.objects.filter(username="anxin").count() == 1
    assert login(Client(REMOTE_ADDR="10.0.0.8"), "+86 139 0941 8001").status_code == 429


def test_a_locked_username_cannot_log_in_by_its_mobile_nor_clear_the_lock(account):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        login(client, "anxin", "wrong-password1")
    assert login(Client(REMOTE_ADDR="10.0.0.9"), "13909418001").status_code == 429
    assert login(Client(REMOTE_ADDR="10.0.0.9"), "anxin").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert login(Client(REMOTE_ADDR="10.0.0.9"), "139 0941 8001").status_code == 302


def test_unknown_names_in_any_spelling_share_one_counter(account):
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="10.0.0.10")
    for typed in ("13800000000", "138 0000 0000", "+86 138-0000-0000", "Nobody", "NOBODY"):
        login(client, typed, "wrong-password1")
    assert sorted(AccessAttempt.objects.values_list("username", flat=True)) == [
        "13800000000",
        "nobody",
    ]


def test_staff_logins_to_the_admin_are_normalised_too(django_user_model):
    from axes.models import AccessAttempt

    django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)
    client = Client(REMOTE_ADDR="10.0.0.11")
    for typed in ("xinyong", "XINYONG", "XinYong", " xinyong", "ｘｉｎｙｏｎｇ"):
        client.post("/admin/login/", {"username": typed, "password": "wrong"})
    assert AccessAttempt.objects.get().username == "xinyong"
    locked = client.post("/admin/login/", {"username": "Xinyong", "password": "pw-Test-123"})
    assert locked.status_code == 429


def test_a_username_written_like_a_mobile_is_refused():
    with pytest.raises(ValidationError) as error:
        portal_account_create(
            actor=None, enterprise=EnterpriseFactory(), username="13909418009", mobile="13909418010"
        )
    assert "用户名不能是手机号码" in error.value.message_dict["username"][0]
