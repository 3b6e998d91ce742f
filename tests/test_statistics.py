"""Statistics for the query planner: gathered where they tell the truth."""

import pytest
from django.db import connection

from summitcms.lib.statistics import AsItGrows, refresh_statistics
from tests.builders import make_claim, make_source

pytestmark = pytest.mark.django_db


def test_on_postgresql_an_empty_table_is_left_unanalysed(require_postgres):
    # Analysed while empty, a table is planned as empty for as long as a bulk load's
    # transaction lasts: the search-vector triggers then read all of it for every entry.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE planner_probe_empty (id integer)")
        cursor.execute("CREATE TABLE planner_probe_full (id integer)")
        cursor.execute("INSERT INTO planner_probe_full SELECT generate_series(1, 50)")
        refresh_statistics()
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN ('planner_probe_empty', 'planner_probe_full')"
        )
        assert dict(cursor.fetchall()) == {"planner_probe_empty": -1, "planner_probe_full": 50}


def test_on_sqlite_every_table_gets_statistics(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    make_claim(citations=[(make_source(), "three-day visit")])
    refresh_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1 WHERE tbl = 'claims_claim'")
        assert cursor.fetchall() == [("claims_claim",)]


def test_a_long_load_gathers_statistics_each_time_it_has_doubled(require_postgres):
    with connection.cursor() as cursor:

        def rows_known():
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'planner_probe_rows'")
            return cursor.fetchone()[0]

        def plan_of_a_part():
            cursor.execute(
                "EXPLAIN SELECT * FROM planner_probe_rows WHERE parent IN (SELECT generate_series(1000, 3000))"
            )
            return " ".join(row[0] for row in cursor.fetchall())

        cursor.execute("CREATE TABLE planner_probe_rows (id serial PRIMARY KEY, parent integer)")
        cursor.execute("CREATE INDEX planner_probe_rows_parent ON planner_probe_rows (parent)")
        cursor.execute("INSERT INTO planner_probe_rows (parent) SELECT n / 5 FROM generate_series(1, 200000) n")
        # In the load's own transaction nothing has gathered statistics: a part's rows are
        # taken for much of the table, which is read whole.
        assert rows_known() == -1
        assert "Seq Scan on planner_probe_rows" in plan_of_a_part()
        statistics = AsItGrows(first=100_000)
        statistics.wrote(200_000)
        assert rows_known() == 200_000
        assert "Seq Scan on planner_probe_rows" not in plan_of_a_part()
        cursor.execute("INSERT INTO planner_probe_rows (parent) SELECT n / 5 FROM generate_series(1, 200000) n")
        statistics.wrote(300_000)  # not yet doubled
        assert rows_known() == 200_000
        statistics.wrote(400_000)
        assert rows_known() == 400_000
