"""The reference data that data migrations seed (townships, the service catalogue, the default
standards, the incentive catalogue, the general agreement template). A transactional test
ends by flushing every table, which removes it; the suite puts it back through the
migrations' own functions, so the tests that follow see the database a migrated deployment
has, whatever order they run in."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from pytest_django.fixtures import validate_django_db

# (migration module, function): each function is idempotent (get_or_create).
SEEDING_MIGRATIONS = [
    ("registry.migrations.0002_townships", "create_townships"),
    ("registry.migrations.0003_service_catalogue", "create_catalogue"),
    ("credit.migrations.0002_default_standards", "create"),
    ("incentives.migrations.0002_default_catalogue", "seed"),
    ("agreements.migrations.0002_default_template", "create"),
]
# The roles (auth groups and their permissions) need nothing here: the flush emits
# post_migrate, whose handler (`zhouqu_jiazheng.roles`) creates them again.


def reference_data_seed() -> None:
    """Create whatever reference data is missing, as the data migrations do (in one
    transaction, as a migration runs)."""
    with transaction.atomic():
        for module, function in SEEDING_MIGRATIONS:
            getattr(importlib.import_module(module), function)(django_apps, None)


def flushes_the_database(item: pytest.Item) -> bool:
    """Whether the test runs as a transactional test, which pytest-django ends with a flush
    (the same conditions pytest-django uses to order tests)."""
    from django.test import TestCase, TransactionTestCase

    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return not issubclass(test_class, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    fixtures = getattr(item, "fixturenames", ())
    return any(
        name in fixtures
        for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    )
