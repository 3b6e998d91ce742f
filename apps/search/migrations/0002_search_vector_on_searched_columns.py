"""Recompute an entity's search vector only when a column it is made of is written.

The row trigger of 0001 fired on every UPDATE, so writing a claim's stored corroboration
(or any other column no search reads) rebuilt its vector and index entries: a third of
``generate_corpus``'s and ``import_fixtures``'s time on PostgreSQL. ``UPDATE OF`` lists
the columns the vector is made of (``VECTORS`` in 0001), and ``search_vector`` itself,
which the refresh triggers set to NULL. A save through the ORM writes every column, so
it still fires.
"""

from django.db import migrations

from apps.search.operations import RunSQLOnPostgres

SEARCHED_COLUMNS = {
    "claims_claim": ["statement", "attributed_to_id", "event_id", "quantity_unit"],
    "quotes_quote": ["text", "context", "speaker_id", "speaker_organization_id", "speaker_statement_id", "occasion_id"],
    "agreements_agreement": ["title", "summary", "place", "event_id"],
    "sources_source": ["title", "authors", "outlet_id", "body"],
}


def trigger(table, columns):
    return [
        f"DROP TRIGGER search_vector ON {table}",
        f"""CREATE TRIGGER search_vector BEFORE INSERT OR UPDATE OF {", ".join(["search_vector", *columns])}
            ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_vector_trigger()""",
    ]


def forwards():
    return [sql for table, columns in SEARCHED_COLUMNS.items() for sql in trigger(table, columns)]


def backwards():
    return [
        sql
        for table in SEARCHED_COLUMNS
        for sql in (
            f"DROP TRIGGER search_vector ON {table}",
            f"""CREATE TRIGGER search_vector BEFORE INSERT OR UPDATE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_search_vector_trigger()""",
        )
    ]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_vector")]

    operations = [RunSQLOnPostgres(sql=forwards(), reverse_sql=backwards())]
