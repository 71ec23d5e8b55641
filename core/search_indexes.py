"""Migrations' PostgreSQL-only search indexes on expressions: trigram (a name's `icontains`),
character grams (a short name: core.search) and UPPER (an admin's `=field`, which Django
compares as UPPER(field) = UPPER(term)). Skipped on SQLite, where the tables are small.

    migrations.RunPython(*search_indexes(("resident_name_trgm", "incentives_resident",
                                          "name", TRIGRAM)))
"""

TRIGRAM = "trigram"
GRAMS = "grams"
UPPER = "upper"

_DEFINITIONS = {
    TRIGRAM: 'USING gin (UPPER("{column}"::text) gin_trgm_ops)',
    GRAMS: 'USING gin (zq_short_grams(UPPER("{column}")))',  # registry.0015's function
    UPPER: '(UPPER("{column}"::text))',
}


def search_indexes(*indexes: tuple[str, str, str, str]):
    """The (forwards, backwards) pair of a RunPython creating `indexes`, each a tuple of
    (index name, table, column, kind)."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        if any(kind == TRIGRAM for *_rest, kind in indexes):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column, kind in indexes:
            definition = _DEFINITIONS[kind].format(column=column)
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" {definition}')

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, *_rest in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return create, drop
