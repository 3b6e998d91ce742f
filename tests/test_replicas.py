"""Reads from a replica for readers, from the primary for everyone else, and what happens
when either does not answer (summitcms.replicas), on SQLite and PostgreSQL.

The replica here is a second database, a copy of the test database taken when the test
says so (``replay``): between two copies it lags behind the primary, as a streaming
replica can, so that each test sees which database answered. The real thing, with
PostgreSQL streaming replication, is tests/test_cluster.py.
"""

import logging
import sqlite3
import time
from pathlib import Path

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.claims.models import Claim
from summitcms import replicas
from tests.builders import make_claim, make_editor, make_source

ALIAS = "replica_1"


class Replica:
    """A copy of the primary's test database under the alias ``replica_1``."""

    def __init__(self):
        self.primary = connections[DEFAULT_DB_ALIAS].settings_dict
        self.vendor = connections[DEFAULT_DB_ALIAS].vendor
        name = self.primary["NAME"]
        self.name = str(Path(name).with_name("test-replica.sqlite3")) if self.vendor == "sqlite" else f"{name}_replica"
        connections.settings[ALIAS] = {**self.primary, "NAME": self.name}
        self.settings_dict = connections.settings[ALIAS]

    def replay(self):
        """The replica catches up with everything the primary committed."""
        connections[ALIAS].close()
        if self.vendor == "sqlite":
            with sqlite3.connect(self.primary["NAME"]) as primary, sqlite3.connect(self.name) as copy:
                primary.backup(copy)
            primary.close()
            copy.close()
        else:
            connections[DEFAULT_DB_ALIAS].close()  # a template database has no one connected
            with self.maintenance() as cursor:
                # Connections other tests' threads left open (each thread has its own) would
                # make the primary unusable as a template.
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.primary["NAME"]],
                )
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                cursor.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.primary["NAME"]}"')

    def maintenance(self):
        settings = self.primary
        return psycopg.connect(
            dbname="postgres",
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            autocommit=True,
        ).cursor()

    def remove(self):
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
        if self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)
        else:
            with self.maintenance() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')


@pytest.fixture(autouse=True)
def no_outages_remembered():
    replicas.outages.until.clear()
    yield
    replicas.outages.until.clear()
    replicas.outages.clock = time.monotonic


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    # Known before a test's database access is set up, which lists the aliases it may use.
    copy = Replica()
    yield copy
    with django_db_blocker.unblock():
        copy.remove()


# Tests with a replica: Django flushes both databases after each.
with_replica = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, ALIAS])


@pytest.fixture
def replica(replica_alias, settings):
    replica_alias.replay()
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_ROUTERS = ["summitcms.replicas.PrimaryReplicaRouter"]
    return replica_alias


@pytest.fixture
def down(settings):
    """Makes a database not answer, as a stopped server: connecting to it fails."""
    broken = []

    def stop(settings_dict, alias):
        connections[alias].close()
        broken.append((settings_dict, alias, settings_dict["NAME"]))
        if settings_dict["ENGINE"].endswith("sqlite3"):
            settings_dict["NAME"] = "/nonexistent/directory/summitcms.sqlite3"
        else:
            settings_dict["NAME"] = "summitcms_no_such_database"

    def start_all():
        for settings_dict, alias, name in reversed(broken):
            settings_dict["NAME"] = name
            connections[alias].close()
        broken.clear()

    stop.start_all = start_all
    yield stop
    start_all()


def verified_claim(statement):
    return make_claim(citations=[(make_source(), "three-day visit")], status="verified", statement=statement)


def edit(claim, statement):
    claim.statement = statement
    claim.save()


def queries_on(alias, client, url, **headers):
    with CaptureQueriesContext(connections[alias]) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


@with_replica
def test_a_reader_reads_the_replica_and_signed_in_people_the_primary(replica, client):
    claim = verified_claim("As the replica has it")
    replica.replay()
    edit(claim, "As the primary has it")
    url = claim.get_absolute_url()
    assert "As the replica has it" in client.get(url).content.decode()
    client.force_login(make_editor())
    assert "As the primary has it" in client.get(url).content.decode()
    admin = client.get(f"/admin/claims/claim/{claim.pk}/change/")
    assert admin.status_code == 200 and "As the primary has it" in admin.content.decode()


@with_replica
def test_a_page_is_cached_under_the_replicas_content_version(replica, client):
    claim = verified_claim("Before")
    replica.replay()
    url = claim.get_absolute_url()
    client.get(url)
    edit(claim, "After")  # the primary's version moves on; the replica's does not
    cached, queries = queries_on(ALIAS, client, url)
    assert "Before" in cached.content.decode() and queries == 1  # the replica's version, then the cache
    replica.replay()
    assert "After" in client.get(url).content.decode()


@with_replica
def test_a_retraction_reaches_readers_once_the_replica_has_replayed_it(replica, client):
    claim = verified_claim("Soon retracted")
    replica.replay()
    url = claim.get_absolute_url()
    assert client.get(url).status_code == 200
    claim.status = "retracted"
    claim.save()
    assert client.get(url).status_code == 200  # the replica has not replayed it yet
    replica.replay()
    assert client.get(url).status_code == 410


@with_replica
def test_after_a_write_the_writer_reads_the_primary_for_a_while(replica, client, settings):
    settings.READ_YOUR_WRITES_SECONDS = 7
    claim = verified_claim("Before")
    replica.replay()
    edit(claim, "Saved a moment ago")
    url = claim.get_absolute_url()
    client.force_login(make_editor())
    # Signing out is a write (a POST); the next pages come from the primary, though the
    # writer has no session any more.
    signed_out = client.post("/admin/logout/")
    cookie = signed_out.cookies[replicas.RECENT_WRITE_COOKIE]
    assert cookie["max-age"] == 7 and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_NAME not in client.cookies or not client.cookies[settings.SESSION_COOKIE_NAME].value
    assert "Saved a moment ago" in client.get(url).content.decode()
    del client.cookies[replicas.RECENT_WRITE_COOKIE]  # what the browser does once it expires
    del client.cookies[settings.SESSION_COOKIE_NAME]
    assert "Before" in client.get(url).content.decode()


@with_replica
def test_a_request_that_wrote_nothing_does_not_send_its_sender_to_the_primary(replica, client):
    refused = client.post("/claims/")
    assert refused.status_code == 405 and replicas.RECENT_WRITE_COOKIE not in refused.cookies


@with_replica
def test_a_streamed_csv_is_read_from_the_replica_to_its_last_row(replica, client):
    verified_claim("Replayed row")
    replica.replay()
    verified_claim("Row the replica has not replayed")
    response = client.get("/claims/?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert "Replayed row" in body and "not replayed" not in body
    assert replicas.reading_from.get() == DEFAULT_DB_ALIAS  # back once the response is closed


@with_replica
def test_outside_a_request_everything_goes_to_the_primary(replica, client):
    claim = verified_claim("Written")
    client.get(claim.get_absolute_url())
    assert router.db_for_read(Claim) == router.db_for_write(Claim) == DEFAULT_DB_ALIAS
    assert Claim.objects.get().statement == "Written"
    assert router.allow_migrate(ALIAS, "claims") is False and router.allow_migrate(DEFAULT_DB_ALIAS, "claims")


@with_replica
def test_a_replica_that_does_not_answer_leaves_readers_to_the_primary(replica, client, down, settings, caplog):
    settings.OUTAGE_RETRY_SECONDS = 5
    clock = [1000.0]
    replicas.outages.clock = lambda: clock[0]
    claim = verified_claim("As the replica has it")
    replica.replay()
    edit(claim, "From the primary")
    url = claim.get_absolute_url()
    down(replica.settings_dict, ALIAS)
    with caplog.at_level(logging.WARNING, logger="summitcms.replicas"):
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200 and "From the primary" in response.content.decode()
        # Back, but left alone for OUTAGE_RETRY_SECONDS: no request waits for a replica
        # that has just failed.
        down.start_all()
        clock[0] += 4
        assert "From the primary" in client.get(url).content.decode()
        clock[0] += 1
        assert "As the replica has it" in client.get(url).content.decode()
    # Once, on one line each: not a traceback for every request.
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"Replica {ALIAS} does not answer",
        f"Replica {ALIAS} answers again: reading from it.",
    ]
    assert not [r for r in caplog.records if r.exc_info]


@with_replica
def test_a_replica_that_fails_during_a_request_is_read_again_from_the_primary(replica, client, caplog):
    claim = verified_claim("Replayed")
    replica.replay()
    edit(claim, "On the primary")

    def connection_lost(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    client.raise_request_exception = False  # as a server: the answer, not the exception
    with connections[ALIAS].execute_wrapper(connection_lost), caplog.at_level(logging.WARNING):
        response = client.get(claim.get_absolute_url())
    assert response.status_code == 200 and "On the primary" in response.content.decode()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def admin_requests(client, claim):
    return {
        "admin page": client.get("/admin/"),
        "change form": client.get(f"/admin/claims/claim/{claim.pk}/change/"),
        "save": client.post(f"/admin/claims/claim/{claim.pk}/change/", {"statement": "An edit"}),
    }


@with_replica
def test_while_the_primary_does_not_answer_readers_read_and_the_admin_is_read_only(
    replica, client, down, caplog, settings
):
    claim = verified_claim("Still readable")
    replica.replay()
    staff = make_editor()
    desk = Client(raise_request_exception=False)
    desk.force_login(staff)
    client.raise_request_exception = False
    down(replica.primary, DEFAULT_DB_ALIAS)
    with caplog.at_level(logging.WARNING):
        page = client.get(claim.get_absolute_url())
        assert page.status_code == 200 and "Still readable" in page.content.decode()
        assert client.get("/claims/").status_code == 200
        for what, response in admin_requests(desk, claim).items():
            assert response.status_code == 503, what
            assert "Read-only for now" in response.content.decode() and response["Retry-After"], what
        sign_in = client.post("/admin/login/", {"username": staff.username, "password": "a-long-test-password"})
        assert sign_in.status_code == 503 and replicas.RECENT_WRITE_COOKIE not in sign_in.cookies
    assert not [r for r in caplog.records if r.exc_info]  # one line each, no traceback
    down.start_all()
    # Back by itself, on the very next request.
    assert desk.get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_without_replicas_a_primary_that_does_not_answer_is_a_503_not_a_500(client, down, settings):
    assert not settings.DATABASE_REPLICAS
    claim = verified_claim("Needs the only database")
    url = claim.get_absolute_url()
    down(connections[DEFAULT_DB_ALIAS].settings_dict, DEFAULT_DB_ALIAS)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 503 and "Read-only for now" in response.content.decode()
    down.start_all()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_any_other_database_error_is_still_a_500(client):
    def broken_query(execute, sql, params, many, context):
        raise OperationalError("a query the database refused")

    claim = verified_claim("Shown")
    client.raise_request_exception = False
    with connections[DEFAULT_DB_ALIAS].execute_wrapper(broken_query):
        response = client.get(claim.get_absolute_url())
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()


@pytest.mark.django_db
def test_without_replicas_nothing_is_routed(client, settings):
    assert settings.DATABASE_REPLICAS == [] and not settings.DATABASE_ROUTERS
    claim = verified_claim("One database")
    client.force_login(make_editor())
    response = client.post("/admin/logout/")
    assert replicas.RECENT_WRITE_COOKIE not in response.cookies
    assert "One database" in client.get(claim.get_absolute_url()).content.decode()


def test_the_read_only_page_is_valid_html(tmp_path):
    from tests.test_public_html import check

    page = tmp_path / "read-only.html"
    page.write_bytes(replicas.read_only().content)
    assert [m for m in check([page]) if m["type"] == "error"] == []
