"""A logged-in portal client in one call, for the portal tests of every app:
`portal_client(enterprise)` is a Client logged in as an owner account of the enterprise;
`client.enterprise` and `client.account` say what it is logged in as. Built on
`tests.portal_fixtures`, which creates the accounts the way staff do."""

from django.test import Client

from registry.models import Enterprise
from tests.portal_fixtures import portal_user


def portal_client(enterprise: Enterprise | None = None, **kwargs) -> Client:
    """A Client logged in to the portal as an account of `enterprise` (a new one if None)."""
    user = portal_user(enterprise, **kwargs)
    client = user.client
    client.account = user.account
    client.enterprise = user.enterprise
    return client
