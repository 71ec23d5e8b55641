"""A trigram index on the enterprise name for the public credit look-up (/credit/?q=…).

The look-up finds enterprises whose name contains the query (`name__icontains`, which
PostgreSQL runs as UPPER(name) LIKE UPPER('%…%')): without this index every search reads
every enterprise. pg_trgm is a trusted extension (PostgreSQL ≥ 13), so the database's owner
may create it. Other databases (SQLite for `make run`) get nothing.
"""

from django.db import migrations

INDEX = "registry_enterprise_name_upper_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_enterprise "
        "USING gin (UPPER(name::text) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_fast_track")]

    operations = [migrations.RunPython(create, drop)]
