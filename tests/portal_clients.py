"""Logged-in portal clients for the portal tests of every app: `portal_client(enterprise)`
is a Client logged in as an owner account of the enterprise; `client.enterprise` and
`client.account` say what it is logged in as."""

import itertools

from django.test import Client

from registry.models import Enterprise, PortalAccount
from registry.services.accounts import portal_account_create
from tests.factories.registry import EnterpriseFactory

PASSWORD = "Portal2025jz"
_numbers = itertools.count(1)


def portal_account(enterprise: Enterprise | None = None, **kwargs) -> PortalAccount:
    """A portal account (owner by default) of `enterprise` (a new one when None), with the
    password PASSWORD."""
    enterprise = enterprise or EnterpriseFactory()
    n = next(_numbers)
    kwargs.setdefault("username", f"portal{n}-{enterprise.pk}")
    kwargs.setdefault("mobile", f"1370941{n % 10000:04d}")
    account, _link = portal_account_create(actor=None, enterprise=enterprise, **kwargs)
    account.user.set_password(PASSWORD)
    account.user.save(update_fields=["password"])
    return account


def portal_client(enterprise: Enterprise | None = None, **kwargs) -> Client:
    """A Client logged in to the portal as an account of `enterprise`."""
    account = portal_account(enterprise, **kwargs)
    client = Client()
    client.force_login(account.user)
    client.account = account
    client.enterprise = account.enterprise
    return client
