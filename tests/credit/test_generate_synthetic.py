"""The benchmarks' synthetic data set on a database whose reference data was emptied."""

import pytest
from django.db import connection

from credit.management.commands.generate_synthetic import generate
from registry.models import Enterprise, Township

pytestmark = pytest.mark.django_db


def test_enterprises_get_townships_even_after_the_township_table_was_emptied():
    # What a transactional test's flush leaves behind: no township at all.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_township CASCADE")
    generate(enterprises=40, workers=20, inputs=50, year=2025)
    enterprises = Enterprise.objects.filter(name__startswith="合成企业")
    assert enterprises.count() == 40
    assert not enterprises.filter(township__isnull=True).exists()
    assert Township.objects.count() == 19
    # Spread over every township, whatever their ids.
    assert enterprises.values("township").distinct().count() == 19
