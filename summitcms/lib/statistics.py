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
        names = [connection.ops.quote_name(table) for table in connection.introspection.table_names(cursor)]
        tables = holding_rows(cursor, names)
        if tables:
            cursor.execute(f"ANALYZE {', '.join(tables)}")


def holding_rows(cursor, tables):
    """The tables of ``tables`` (SQL names) that hold at least one row."""
    found = []
    for table in tables:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        if cursor.fetchone()[0]:
            found.append(table)
    return found


class AsItGrows:
    """Statistics gathered again during a long load in one transaction (``generate_corpus``,
    ``import_fixtures`` in parts), each time it has doubled what it wrote; PostgreSQL only.

    Nothing else gathers them meanwhile: autovacuum does not see rows a transaction has not
    committed. Without a column's statistics PostgreSQL takes ``WHERE claim_id IN (…)`` of a
    part's 2 000 claims for a quarter of the table and reads all of it, in every part: a
    load grew with the square of its size (590 000 claims into a million: 8 000 a minute
    and falling). ``ANALYZE`` inside the transaction counts the transaction's own rows.
    SQLite reads an ``IN`` list through the index without statistics.
    """

    def __init__(self, using=DEFAULT_DB_ALIAS, first=2_000):
        self.using, self.next = using, first

    def wrote(self, rows):
        """Tell it how many rows the load has written so far."""
        if rows >= self.next and connections[self.using].vendor == "postgresql":
            refresh_statistics(self.using)
            self.next = 2 * rows
