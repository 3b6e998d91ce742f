"""What PostgreSQL plans for a query, on the nearly empty tables of a test."""

from django.db import connection


def explain(queryset, *, sorts=True):
    """``EXPLAIN`` of ``queryset``, planned with sequential scans off: a table of a few rows
    is otherwise read whole, whatever indexes it has. ``sorts=False`` turns sorting off too,
    to ask whether an index gives the queryset's order (only an index can then)."""
    settings = ["enable_seqscan"] if sorts else ["enable_seqscan", "enable_sort"]
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET {setting} = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        for setting in settings:
            cursor.execute(f"RESET {setting}")
    return plan
