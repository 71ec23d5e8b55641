"""Trigram indexes for the admin's searches by name on PostgreSQL (pg_trgm).

The admin searches a name with `icontains`, which PostgreSQL runs as
UPPER(name) LIKE UPPER('%term%'): a GIN trigram index on UPPER(name) answers it for terms
of three characters or more instead of reading every row. Other databases (SQLite for
`make run`) skip this migration: their lists are small.
"""

from django.db import migrations

INDEXES = [
    ("registry_worker_name_trgm", "registry_worker", "name"),
    ("registry_worker_phone_masked_trgm", "registry_worker", "phone_masked"),
    ("registry_enterprise_name_trgm", "registry_enterprise", "name"),
    ("registry_enterprise_phone_trgm", "registry_enterprise", "phone"),
    ("registry_enterprise_legal_rep_trgm", "registry_enterprise", "legal_representative"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_fast_track"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
