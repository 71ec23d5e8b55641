"""Prefix indexes for searches by a name of one or two characters on PostgreSQL.

A trigram index (0013) needs a term of three characters; Chinese names are often two (王芳).
Such short terms search by prefix, UPPER(name) LIKE UPPER('王芳%') (core.admin_scale, the
public credit search), which a b-tree index on UPPER(name) with text_pattern_ops answers.
The workers' admin search also compares UPPER(id_last4) (`=id_last4`, case-insensitive):
an index on that expression answers it, so that no branch of the search reads every row.
Other databases (SQLite for `make run`) skip this migration: their lists are small.
"""

from django.db import migrations

INDEXES = [
    ("registry_worker_name_prefix", "registry_worker", "name"),
    ("registry_enterprise_name_prefix", "registry_enterprise", "name"),
    ("registry_enterprise_legal_rep_prefix", "registry_enterprise", "legal_representative"),
]
UPPER_INDEXES = [
    ("registry_worker_id_last4_upper", "registry_worker", "id_last4"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'(UPPER("{column}"::text) text_pattern_ops)'
        )
    for name, table, column in UPPER_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" (UPPER("{column}"::text))'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES + UPPER_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0014_enterprise_uscc_upper_unique"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
