"""The stored vectors follow the search declarations (``vectors.py``).

On PostgreSQL: installing is idempotent and cheap, a changed declaration recomputes its
own table only, a database that ran the old hand-written migrations is upgraded in
place, and what a declaration no longer produces is dropped. On both databases: a model
that another app declares searchable is found by what it declares, with no edit in search.
"""

import dataclasses
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.actors.models import Person
from apps.claims.models import Claim
from apps.editorial import registry
from apps.editorial.models import Topic
from apps.events.models import Event
from apps.quotes.models import Quote
from apps.search import index, vectors
from apps.search import query as search
from apps.search.index import Searched
from tests.builders import make_claim, make_event, make_person, make_quote, make_source, make_summit_corpus

from . import legacy_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def declare():
    """``declare(model, Searched(...))`` for one test: the declarations are restored after
    it (and, on PostgreSQL, the test's transaction takes back what was installed)."""
    undo = []

    def declare(model, searched):
        try:
            entry_type = registry.entry_type(model)
        except KeyError:
            index.register(model, searched)
            undo.append(lambda: index.unregister(model))
        else:
            registry.register(dataclasses.replace(entry_type, search=searched))
            undo.append(lambda: registry.register(entry_type))

    yield declare
    for step in reversed(undo):
        step()


def catalog():
    with connection.cursor() as cursor:
        return vectors.State.read(cursor)


def definitions():
    """``{(table, trigger): definition}`` and ``{function: definition}`` of the naming scheme."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c"
            " ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgname LIKE 'search\\_vector%%'"
        )
        triggers = {(table, name): sql for table, name, sql in cursor.fetchall()}
        cursor.execute(
            "SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p"
            " WHERE p.pronamespace = current_schema()::regnamespace AND p.proname ~ %s",
            [vectors.FUNCTION_NAMES],
        )
        return triggers, dict(cursor.fetchall())


def stored(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, search_vector::text FROM {table} ORDER BY id")
        return cursor.fetchall()


def mark(instance):
    """A vector no trigger would compute, written with the triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"UPDATE {instance._meta.db_table} SET search_vector = 'marker' WHERE id = %s", [instance.pk])
        cursor.execute("SET LOCAL session_replication_role = origin")


def vector_of(instance):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT search_vector::text FROM {instance._meta.db_table} WHERE id = %s", [instance.pk])
        return cursor.fetchone()[0]


def found(model, text):
    return list(search.search(model._default_manager.order_by("pk"), text))


def test_installing_again_reads_the_catalog_and_changes_nothing(require_postgres):
    with CaptureQueriesContext(connection) as queries:
        done = vectors.install()
    assert done.statements == [] and done.refilled == []
    assert [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]] == [vectors.STATE]


def test_migrate_installs_what_is_missing(require_postgres):
    claim = make_claim(status="verified", attributed_to=make_person(name="Old Name"), citations=[(make_source(), "Xi")])
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_vector_names ON actors_person")
    call_command("migrate", verbosity=0)
    assert ("actors_person", "search_vector_names") in catalog().triggers
    Person.objects.filter(pk=claim.attributed_to_id).update(name="Renamed Envoy")
    assert found(Claim, "envoy") == [claim]


def pending_pages(index):
    """Merges ``index``'s pending entries into it; returns how many pages they filled."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        return cursor.fetchone()[0]


def test_a_search_index_keeps_few_entries_pending(require_postgres):
    """Every search reads an index's pending entries whole: the indexes keep PostgreSQL's
    smallest list (64 kB, 8 pages), merged into the index as rows are written."""
    index = "claims_claim_public_search_vector"
    assert set(catalog().indexes) >= {index, "claims_claim_search_vector", "sources_source_search_vector"}
    assert all(vectors.INDEX_STORAGE in options for options in catalog().indexes.values())
    statement = " ".join(f"Negotiators{n} discussed pipeline{n} tariffs{n} quotas{n}" for n in range(40))
    for n in range(20):
        make_claim(status="verified", statement=f"{statement} round{n}")

    def rewrite_vectors(times):
        with connection.cursor() as cursor:
            for _ in range(times):
                cursor.execute("UPDATE claims_claim SET search_vector = NULL")

    rewrite_vectors(30)
    assert pending_pages(index) <= 8
    # PostgreSQL's default list (4 MB) would have kept them all: many more pages.
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
    rewrite_vectors(30)
    assert pending_pages(index) > 30
    # An index without the setting (made before it, or changed by hand) gets it back, and
    # what is pending is merged at once.
    rewrite_vectors(5)
    done = vectors.install()
    assert done.statements == [
        f"ALTER INDEX {index} SET ({vectors.INDEX_STORAGE})",
        f"SELECT gin_clean_pending_list('{index}')",
    ]
    assert catalog().indexes[index] == {vectors.INDEX_STORAGE}
    assert pending_pages(index) == 0
    assert vectors.install().statements == []
    assert found(Claim, "pipeline7") == list(Claim.objects.order_by("pk"))


def test_a_changed_declaration_recomputes_its_own_table_only(require_postgres, declare):
    source = make_source()
    claim = make_claim(
        status="verified", statement="Talks", quantity=3, quantity_unit="tonnes", citations=[(source, "said Xi")]
    )
    quote = make_quote(status="verified", citations=[(source, "said Xi")])
    mark(quote)
    assert found(Claim, "tonnes") == [claim]
    original = registry.entry_type(Claim).search
    # Without the unit, with the topics: a many-to-many through a table no trigger watched.
    declare(Claim, dataclasses.replace(original, C=(*(c for c in original.C if c != "quantity_unit"), "topics__name")))

    done = vectors.install()
    assert done.refilled == ["claims_claim"]
    assert found(Claim, "tonnes") == []
    assert vector_of(quote) == "'marker'"
    topic = Topic.objects.create(name="Fisheries", slug="fisheries")
    claim.topics.add(topic)
    assert found(Claim, "fisheries") == [claim]
    Topic.objects.filter(pk=topic.pk).update(name="Aquaculture")
    assert found(Claim, "aquaculture") == [claim]
    claim.topics.remove(topic)
    assert found(Claim, "aquaculture") == []

    # Back to the app's declaration: what it no longer produces is dropped. What migrate
    # prints says which table was recomputed, and that it now holds a dead copy of each row.
    declare(Claim, original)
    out = StringIO()
    vectors.install_after_migrate(stdout=out)
    assert "recomputed the vectors of claims_claim" in out.getvalue()
    assert "compact those tables when the site is quiet (VACUUM FULL" in out.getvalue()
    assert vectors.install().refilled == []
    installed = catalog()
    assert not [key for key in installed.triggers if key[0] in ("claims_claim_topics", "editorial_topic")]
    assert not [key for key in installed.functions if key.startswith(("claims_claim_topics", "editorial_topic"))]
    assert found(Claim, "tonnes") == [claim]
    assert vector_of(quote) == "'marker'"


def test_migrate_asks_to_compact_only_tables_that_hold_rows(require_postgres, declare):
    declare(Event, Searched(A=["name", "place"]))
    out = StringIO()
    vectors.install_after_migrate(stdout=out)
    assert "recomputed the vectors of events_event" in out.getvalue()
    assert "compact" not in out.getvalue()  # no event yet: no row was written again
    make_event(name="Saltmarsh Summit")
    declare(Event, Searched(A=["name"]))
    out = StringIO()
    vectors.install_after_migrate(stdout=out)
    assert "compact those tables when the site is quiet" in out.getvalue()


def test_a_database_that_ran_the_old_migrations_is_upgraded_in_place(require_postgres):
    make_summit_corpus()
    person = make_person(name="Xi Jinping", aliases="Chairman Xi")
    quote = make_quote(status="verified", speaker=person, citations=[(make_source(), "said Xi")])
    tables = [model._meta.db_table for model in index.searchables()]
    fresh = {table: stored(table) for table in tables}
    fresh_definitions = definitions()

    # What search.0001 and 0002 left, on a database without anything installed since.
    with connection.cursor() as cursor:
        # Django's foreign keys are checked at commit: ALTER TABLE waits for no check.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    vectors.install(declared={})
    assert not catalog().functions and not catalog().triggers and not catalog().columns & set(tables)
    with connection.cursor() as cursor:
        for sql in legacy_sql.forwards():
            cursor.execute(sql)
    mark(quote)

    done = vectors.install()
    assert done.refilled == tables
    # The columns and indexes they made are kept (with the storage they now have); the
    # indexes of verified entries came later.
    assert not [
        statement
        for statement in done.statements
        if "ADD COLUMN" in statement or ("CREATE INDEX" in statement and "_public_" not in statement)
    ]
    assert all(vectors.INDEX_STORAGE in options for options in catalog().indexes.values())
    assert definitions() == fresh_definitions
    assert {table: stored(table) for table in tables} == fresh
    assert vectors.install().statements == []
    Person.objects.filter(pk=person.pk).update(aliases="Xi Dada")
    assert found(Quote, "dada") == [quote]


def test_a_searchable_another_app_declares_needs_nothing_in_search(declare):
    """Events, searched by their name, their parent's, the people their claims are attributed
    to and their verified claims' statements: own columns, a foreign key, a reverse one
    followed by a foreign key, a condition on the row read."""
    declare(
        Event,
        Searched(
            A=["name"],
            B=["parent__name"],
            C=["claims__attributed_to__name", ("claims__statement", {"claims__status": "verified"})],
        ),
    )
    done = vectors.install()
    if connection.vendor == "postgresql":
        assert done.refilled == ["events_event"]
        installed = catalog()
        assert "events_event" in installed.columns and "events_event_search_vector" in installed.indexes
        assert "events_event_search_vector(events_event)" in installed.functions
        assert {("events_event", "search_vector"), ("claims_claim", "search_vector_update")} <= set(installed.triggers)

    summit = make_event(name="Saltmarsh Summit")
    dinner = make_event(name="Closing dinner", parent=summit)
    assert found(Event, "saltmarsh") == [summit, dinner]
    Event.objects.filter(pk=summit.pk).update(name="Marshland Summit")
    assert found(Event, "saltmarsh") == []
    assert found(Event, "marshland") == [summit, dinner]

    person = make_person(name="Ambassador Quill")
    claim = make_claim(statement="Walrus quotas were raised", event=dinner, attributed_to=person)
    assert found(Event, "quill") == [dinner]
    assert found(Event, "walrus") == []  # a draft
    Claim.objects.filter(pk=claim.pk).update(status="verified")
    assert found(Event, "walrus") == [dinner]
    Person.objects.filter(pk=person.pk).update(name="Ambassador Heron")
    assert found(Event, "heron") == [dinner] and found(Event, "quill") == []
    Claim.objects.filter(pk=claim.pk).delete()
    assert found(Event, "walrus") == [] and found(Event, "heron") == []


@pytest.mark.parametrize(
    "searched",
    [
        Searched(A=["parent"]),  # a relation, not text
        Searched(A=["nowhere__name"]),
        Searched(A=[("name", {"parent__name": "x"})]),  # a condition on another row
        Searched(),
    ],
)
def test_a_declaration_that_makes_no_sql_fails_the_checks_on_every_database(declare, searched):
    assert vectors.check_declarations() == []
    declare(Event, searched)
    assert [error.id for error in vectors.check_declarations()] == ["search.E001"]
