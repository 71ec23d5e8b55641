"""Indexes for searches by a name of one or two characters on PostgreSQL.

A trigram index (0013) needs a term of three characters; Chinese names are often two (王芳).
`zq_short_grams(text)` lists a text's characters and pairs of neighbouring characters; a
GIN index on zq_short_grams(UPPER(name)) answers "the name contains 王芳" for such terms
(core.search). The workers' admin search also compares UPPER(id_last4) (`=id_last4`): an
index on that expression answers it, so that no branch of the search reads every row.
Other databases (SQLite for `make run`) skip this migration: their lists are small.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION zq_short_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT gram), '{}') FROM (
        SELECT substr(value, i, 1) AS gram FROM generate_series(1, length(value)) AS i
        UNION
        SELECT substr(value, i, 2) FROM generate_series(1, length(value) - 1) AS i
    ) AS grams
$$
"""
GRAM_INDEXES = [
    ("registry_worker_name_grams", "registry_worker", "name"),
    ("registry_enterprise_name_grams", "registry_enterprise", "name"),
    ("registry_enterprise_legal_rep_grams", "registry_enterprise", "legal_representative"),
]
UPPER_INDEXES = [
    ("registry_worker_id_last4_upper", "registry_worker", "id_last4"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, table, column in GRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (zq_short_grams(UPPER("{column}")))'
        )
    for name, table, column in UPPER_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" (UPPER("{column}"::text))'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in GRAM_INDEXES + UPPER_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS zq_short_grams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0014_enterprise_uscc_upper_unique"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
