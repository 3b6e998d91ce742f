"""What PostgreSQL plans for a query, on the nearly empty tables of a test."""

from django.db import connection


def plan(sql, params=(), *, off=()):
    """``EXPLAIN`` of ``sql``, as text, planned with the planner's ``enable_*`` settings
    named in ``off`` turned off."""
    with connection.cursor() as cursor:
        for setting in off:
            cursor.execute(f"SET {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        text = "\n".join(row[0] for row in cursor.fetchall())
        for setting in off:
            cursor.execute(f"RESET {setting}")
    return text


def explain(queryset, *, sorts=True):
    """``EXPLAIN`` of ``queryset``, planned with sequential scans off: a table of a few rows
    is otherwise read whole, whatever indexes it has. ``sorts=False`` turns sorting off too,
    to ask whether an index gives the queryset's order (only an index can then)."""
    sql, params = queryset.query.sql_with_params()
    return plan(sql, params, off=["enable_seqscan"] if sorts else ["enable_seqscan", "enable_sort"])
