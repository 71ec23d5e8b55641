"""Small helpers for the set-based SQL that the refresh and the rating engine run."""

from django.db import connection


def jit_off() -> None:
    """Switch PostgreSQL's JIT off for the current transaction.

    Statements with many subqueries have high planner cost estimates, so PostgreSQL compiles
    them with JIT: about 0.6 s per statement, while executing one chunk takes a fraction of
    that. Must be called inside a transaction (SET LOCAL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
