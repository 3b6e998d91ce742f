"""Statistics for the query planner: gathered where they tell the truth."""

import pytest
from django.db import connection

from summitcms.lib.statistics import refresh_statistics
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
