"""Helpers for tests of the enterprise portal: enterprises with a portal account each and a
client logged in as that account. Plain functions, so any app's tests can import them and
wrap them in fixtures of their own:

    from tests.portal_fixtures import portal_pair

    @pytest.fixture
    def portals(db):
        return portal_pair()

    def test_something(portals):
        portals.a.client.get(...)        # enterprise A's owner
        portals.b.enterprise              # enterprise B
"""

from dataclasses import dataclass
from itertools import count

from django.test import Client

from portal.models import PortalAccount
from portal.services import portal_account_create
from registry.models import Enterprise
from tests.factories.registry import EnterpriseFactory

PASSWORD = "Portal2025jz"
_sequence = count(1)


@dataclass
class PortalUser:
    enterprise: Enterprise
    account: PortalAccount
    client: Client

    @property
    def user(self):
        return self.account.user


def portal_account(
    enterprise: Enterprise | None = None, *, role: str = PortalAccount.Role.OWNER
) -> PortalAccount:
    """A portal account with the password PASSWORD, created the way staff create one."""
    enterprise = enterprise or EnterpriseFactory()
    n = next(_sequence)
    account, _link = portal_account_create(
        actor=None,
        enterprise=enterprise,
        username=f"portal-{enterprise.pk}-{n}",
        mobile=f"1390941{n % 10000:04d}",
        full_name="测试经理",
        role=role,
    )
    account.user.set_password(PASSWORD)
    account.user.save()
    return account


def portal_user(enterprise: Enterprise | None = None, **kwargs) -> PortalUser:
    """An enterprise, its portal account and a client logged in as it."""
    account = portal_account(enterprise, **kwargs)
    client = Client()
    client.force_login(account.user)
    return PortalUser(enterprise=account.enterprise, account=account, client=client)


@dataclass
class PortalPair:
    a: PortalUser
    b: PortalUser


def portal_pair() -> PortalPair:
    """Two enterprises, each with its own logged-in portal client (for scoping tests)."""
    return PortalPair(
        a=portal_user(EnterpriseFactory(name="舟曲县甲家政服务有限公司")),
        b=portal_user(EnterpriseFactory(name="舟曲县乙家政服务有限公司")),
    )
