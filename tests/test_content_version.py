"""Every write makes cached public pages fresh, whatever path it takes.

Triggers in the database bump the content version (``ContentVersionQuerySet.watch``),
so a write that skips the models — raw SQL, ``QuerySet.update()``, ``bulk_update``,
``bulk_create``, a delete, a many-to-many change, ``loaddata``, another program — shows on
the very next request. Each test warms the page cache (a GET, then a conditional GET
answered 304), writes, and checks that the next GET, and a conditional GET with the old
``ETag``, show the new state.
"""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.utils import timezone
from django.utils.http import http_date

from apps.claims.models import Claim, ClaimCitation
from apps.editorial import registry
from apps.editorial.models import Topic
from apps.site.cache import watch_public_tables
from apps.site.models import TRIGGER, ContentVersion
from tests.builders import make_claim, make_source

FEED = "/feeds/verified/"
STATEMENT = "Trade reached a record high."


def verified_claim(statement=STATEMENT, **fields):
    return make_claim(
        citations=[(make_source(), "three-day visit")],
        status="verified",
        verified_at=timezone.now(),
        statement=statement,
        **fields,
    )


def warm(client, *urls):
    """Cache each page and check that the cache answers for it; ``{url: ETag}``."""
    etags = {}
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200, url
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304, url
        etags[url] = first["ETag"]
    return etags


def fresh(client, url, etags):
    """The page after a write: a conditional GET with the old ETag is not answered 304,
    and a plain GET gives the same page; returns it (status, text)."""
    conditional = client.get(url, HTTP_IF_NONE_MATCH=etags[url])
    assert conditional.status_code != 304, url
    response = client.get(url)
    assert (response.status_code, response.content) == (conditional.status_code, conditional.content)
    return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_a_retraction_in_raw_sql_removes_the_page_and_the_feed_entry_at_once(client):
    claim = verified_claim()
    etags = warm(client, claim.get_absolute_url(), FEED)
    before = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET status = 'retracted' WHERE id = %s", [claim.pk])
    after = timezone.now()
    assert fresh(client, claim.get_absolute_url(), etags)[0] == 410
    assert STATEMENT not in fresh(client, FEED, etags)[1]
    # The trigger dates the change, in UTC, for Last-Modified.
    changed_at = ContentVersion.objects.current()[1]
    assert changed_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= changed_at <= after + timedelta(seconds=1)
    assert client.get(FEED)["Last-Modified"] == http_date(changed_at.timestamp())


@pytest.mark.django_db
def test_a_retraction_by_queryset_update_removes_the_page_and_the_feed_entry_at_once(client):
    claim = verified_claim()
    etags = warm(client, claim.get_absolute_url(), FEED, "/claims/")
    Claim.objects.filter(pk=claim.pk).update(status="retracted")
    assert fresh(client, claim.get_absolute_url(), etags)[0] == 410
    assert STATEMENT not in fresh(client, FEED, etags)[1]
    assert STATEMENT not in fresh(client, "/claims/", etags)[1]


@pytest.mark.django_db
def test_an_edit_by_bulk_update_shows_at_once(client):
    claim = verified_claim()
    etags = warm(client, claim.get_absolute_url())
    claim.statement = "Rewritten by bulk_update."
    Claim.objects.bulk_update([claim], ["statement"])
    assert "Rewritten by bulk_update." in fresh(client, claim.get_absolute_url(), etags)[1]


@pytest.mark.django_db
def test_entries_added_by_bulk_create_show_at_once(client):
    source = verified_claim().citations.get().source
    etags = warm(client, "/claims/", FEED)
    [claim] = Claim.objects.bulk_create(
        [Claim(statement="Added by bulk_create.", slug="bulk", status="verified", verified_at=timezone.now())]
    )
    ClaimCitation.objects.bulk_create([ClaimCitation(claim=claim, source=source, excerpt="visit", start=0, end=5)])
    assert "Added by bulk_create." in fresh(client, "/claims/", etags)[1]
    assert "Added by bulk_create." in fresh(client, FEED, etags)[1]


@pytest.mark.django_db
def test_a_delete_removes_the_page_and_the_feed_entry_at_once(client):
    claim = verified_claim()
    etags = warm(client, claim.get_absolute_url(), FEED)
    Claim.objects.filter(pk=claim.pk).delete()
    assert fresh(client, claim.get_absolute_url(), etags)[0] == 404
    assert STATEMENT not in fresh(client, FEED, etags)[1]


@pytest.mark.django_db
def test_many_to_many_add_remove_and_clear_show_at_once(client):
    claim = verified_claim()
    url = claim.get_absolute_url()
    energy, nuclear = Topic.objects.create(name="Energy", slug="energy"), Topic.objects.create(name="Nuclear", slug="n")
    etags = warm(client, url)
    claim.topics.add(energy, nuclear)
    page = fresh(client, url, etags)[1]
    assert "Energy" in page and "Nuclear" in page
    etags = warm(client, url)
    claim.topics.remove(energy)
    page = fresh(client, url, etags)[1]
    assert "Energy" not in page and "Nuclear" in page
    etags = warm(client, url)
    claim.topics.clear()
    assert "Nuclear" not in fresh(client, url, etags)[1]


@pytest.mark.django_db
def test_an_edit_by_loaddata_shows_at_once(client, tmp_path):
    claim = verified_claim("Old wording.")
    etags = warm(client, claim.get_absolute_url())
    claim.statement = "Wording from a fixture."
    fixture = tmp_path / "claim.json"
    fixture.write_text(serializers.serialize("json", [claim]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert "Wording from a fixture." in fresh(client, claim.get_absolute_url(), etags)[1]


# Another program, with the database's own client library: no Django, no signals.
OTHER_PROGRAM = {
    "sqlite": """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=20)
with db:
    db.execute("UPDATE claims_claim SET statement = ? WHERE slug = ?", (sys.argv[2], sys.argv[3]))
""",
    "postgresql": """
import psycopg, sys
with psycopg.connect(sys.argv[1]) as db:
    db.execute("UPDATE claims_claim SET statement = %s WHERE slug = %s", (sys.argv[2], sys.argv[3]))
""",
}


def database_argument():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return settings["NAME"]
    parts = {"dbname": settings["NAME"], "user": settings["USER"], "host": settings["HOST"], "port": settings["PORT"]}
    return " ".join(f"{key}='{value}'" for key, value in parts.items() if value)


@pytest.mark.django_db(transaction=True)
def test_an_edit_by_another_program_writing_to_the_database_shows_at_once(client):
    claim = verified_claim("Old wording.")
    etags = warm(client, claim.get_absolute_url(), FEED)
    arguments = [database_argument(), "Rewritten by another program.", claim.slug]
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROGRAM[connection.vendor], *arguments], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Rewritten by another program." in fresh(client, claim.get_absolute_url(), etags)[1]
    assert "Rewritten by another program." in fresh(client, FEED, etags)[1]


def triggers():
    """``{table}`` of the tables that carry a content-version trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
                [TRIGGER],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER}:%"])
        return [row[0] for row in cursor.fetchall()]


# What readers see, as the registry has it today.
PUBLIC_MODELS = {
    "editorial.topic",
    "actors.person",
    "actors.organization",
    "events.event",
    "sources.source",
    "claims.claim",
    "claims.claimcitation",
    "claims.claimrelation",
    "quotes.quote",
    "quotes.quotecitation",
    "agreements.agreement",
    "agreements.agreementcitation",
    "claims.claimpublication",
    "quotes.quotepublication",
    "agreements.agreementpublication",
}


def test_every_model_a_reader_sees_is_public():
    assert {model._meta.label_lower for model in registry.public_models()} == PUBLIC_MODELS


def public_tables():
    tables = set()
    for model in registry.public_models():
        tables.add(model._meta.db_table)
        tables.update(f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many)
    return tables


@pytest.mark.django_db
def test_every_table_a_reader_sees_and_its_many_to_many_tables_carry_the_trigger_once():
    found = triggers()
    per_table = 1 if connection.vendor == "postgresql" else 3  # SQLite: insert, update, delete
    assert sorted(set(found)) == sorted(public_tables())
    assert len(found) == per_table * len(public_tables())
    assert {"claims_claim_topics", "sources_source_relays", "agreements_agreement_parties"} <= set(found)
    # Installing again, as every migrate does, changes nothing.
    watch_public_tables(sender=None)
    assert sorted(triggers()) == sorted(found)


@pytest.mark.django_db
def test_a_shorter_list_of_models_leaves_the_others_unwatched_and_migrate_restores_them():
    from apps.claims.models import Claim as ClaimModel

    ContentVersion.objects.watch([ClaimModel])
    assert set(triggers()) == {"claims_claim", "claims_claim_topics", "claims_claim_quotes", "claims_claim_agreements"}
    number = ContentVersion.objects.current()[0]
    make_source()
    assert ContentVersion.objects.current()[0] == number
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert set(triggers()) == public_tables()
    make_source()
    assert ContentVersion.objects.current()[0] > number
