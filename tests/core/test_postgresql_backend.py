"""core.postgresql: a persistent connection is checked before a request's first query
without a round trip while it is alive, and replaced when the server has closed it."""

import time

import psycopg
import pytest
from django.db import connection, connections

from core.postgresql.base import DatabaseWrapper
from registry.models import Township

pytestmark = pytest.mark.django_db(transaction=True)


def new_request():
    """What Django does when a request starts (and ends): the next query checks health."""
    connection.close_if_unusable_or_obsolete()
    assert connection.health_check_done is False


@pytest.fixture
def select_one_checks(monkeypatch):
    calls = []
    original = DatabaseWrapper.is_usable

    def counted(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(DatabaseWrapper, "is_usable", counted)
    return calls


def test_the_backend_is_in_use_with_health_checks():
    assert isinstance(connections["default"], DatabaseWrapper)
    connection.ensure_connection()
    assert connection.health_check_enabled


def test_a_live_connection_is_checked_without_a_round_trip(select_one_checks):
    connection.ensure_connection()
    before = connection.connection.info.backend_pid
    for _ in range(3):
        new_request()
        Township.objects.count()
    assert select_one_checks == []
    assert connection.connection.info.backend_pid == before


def test_a_connection_the_server_closed_is_replaced_before_the_first_query(select_one_checks):
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432, autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while connection._quiet() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's message reaches the socket
    new_request()
    Township.objects.count()  # no error: the dead connection was replaced first
    assert select_one_checks == [1]
    assert connection.connection.info.backend_pid != pid
