"""Statistics for the database's query planner."""

from django.db import DEFAULT_DB_ALIAS, connections


def refresh_statistics(using=DEFAULT_DB_ALIAS, **kwargs):
    """``ANALYZE``: after a bulk load, and after migrations (so after every deploy).

    SQLite keeps no statistics until told to, and without them it chose to read every
    verified claim for each row of the public claims list (120 ms at 20 000 claims; with
    them, 1 ms). PostgreSQL's autovacuum gathers them too, but only some time after a load.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        # Only the tables that hold rows. PostgreSQL plans a table analysed while empty as
        # empty, however many rows have been written since, until autovacuum comes by; a
        # SQL function keeps its plan for the rest of the transaction, so one bulk load
        # after migrate (generate_corpus, import_fixtures) had its search-vector triggers
        # read every citation for each entry, and grew with the square of the corpus.
        # A table never analysed is planned by its actual size instead.
        tables = []
        for table in connection.introspection.table_names(cursor):
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {name})")
            if cursor.fetchone()[0]:
                tables.append(name)
        if tables:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
